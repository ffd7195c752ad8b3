import { MeResponseSchema } from "@portcullis/contract";
import type { Command } from "commander";
import { login, logout } from "../auth.ts";
import type { CliContext } from "../context.ts";
import { CliError, ExitCode } from "../errors.ts";

export function sessionCommands(program: Command, ctx: CliContext): void {
  program
    .command("login")
    .description("sign in to a Portcullis server (browser, or --device-code on a machine without one)")
    .option("--url <url>", "the Portcullis server, e.g. https://jit.example.com (default: the last one, or PORTCULLIS_URL)")
    .option("--device-code", "sign in on another device with a code (no browser here)")
    .addHelpText("after", "\nExamples:\n  $ portcullis login --url http://localhost:8080\n  $ portcullis login --url https://jit.example.com --device-code")
    .action(async (options: { url?: string; deviceCode?: boolean }) => {
      const url = options.url ?? ctx.io.env["PORTCULLIS_URL"] ?? (await ctx.store.readSession())?.url;
      if (url === undefined) throw new CliError("login: give the server with --url (e.g. --url http://localhost:8080)", ExitCode.usage);
      try {
        new URL(url);
      } catch {
        throw new CliError(`--url: must be an http(s) URL such as https://jit.example.com (got "${url}")`, ExitCode.usage);
      }
      const session = await login(ctx.store, { url, deviceCode: options.deviceCode === true, say: (line) => ctx.say(line), openBrowser: (target) => ctx.io.openBrowser(target) });
      if (ctx.json) ctx.printJson({ url: session.url, username: session.username });
      else ctx.out(`Signed in to ${session.url} as ${session.username}`);
    });

  program
    .command("logout")
    .description("forget the sign-in (the token cache in the config directory)")
    .addHelpText("after", "\nExample:\n  $ portcullis logout")
    .action(async () => {
      const was = await logout(ctx.store);
      if (ctx.json) ctx.printJson({ signedOut: was });
      else ctx.out(was ? "Signed out" : "Not signed in");
    });

  program
    .command("whoami")
    .description("who you are signed in as, your roles and what you may do")
    .addHelpText("after", "\nExample:\n  $ portcullis whoami --json")
    .action(async () => {
      const api = await ctx.api();
      const me = await api.get("/api/me", MeResponseSchema);
      const session = await ctx.session();
      if (ctx.json) {
        ctx.printJson({ url: session.url, ...me });
        return;
      }
      ctx.out(
        [
          `${me.user.name} <${me.user.username}> on ${session.url}`,
          `tenant roles: ${me.tenantRoles.join(", ") || "none"}`,
          ...me.assignments.map((a) => `role ${a.role} at ${a.scope}${a.principalType === "group" ? ` (through group ${a.principalName})` : ""}`),
          `may: ${me.anyScopePermissions.join(", ") || "nothing"}`,
        ].join("\n"),
      );
    });
}
