import { ExtendGrantBodySchema, GrantSchema, isUuid, ListGrantsResponseSchema, type Grant } from "@portcullis/contract";
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { parseMinutes } from "../durations.ts";
import { CliError, ExitCode } from "../errors.ts";
import { formatTable, shortTime } from "../output.ts";
import { askAccess } from "../request-flow.ts";
import { resolveVm } from "../vms.ts";

export const collect = (value: string, previous: string[]) => [...previous, value];

export function parsePorts(values: readonly string[], fallback: number[]): number[] {
  if (values.length === 0) return fallback;
  return values.map((text) => {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new CliError(`--port: must be a port number from 1 to 65535 (got "${text}")`, ExitCode.usage);
    return port;
  });
}

export function checkId(id: string, what: string): string {
  if (!isUuid(id)) throw new CliError(`${what} id: must be the id \`portcullis ${what === "grant" ? "grants" : "approvals"}\` shows (a UUID; got "${id}")`, ExitCode.usage);
  return id.toLowerCase();
}

export function grantLine(grant: Grant): string {
  const ports = grant.ports.map((p) => p.port).join(", ");
  const lines = [`Port${grant.ports.length === 1 ? "" : "s"} ${ports} on ${grant.vmName} open to ${grant.sourcePrefixes.join(", ")} until ${shortTime(grant.endsAt)} (grant ${grant.id})`];
  if (grant.connect.sshCommand !== null) lines.push(`  connect: ${grant.connect.sshCommand}`);
  return lines.join("\n");
}

export interface AskFlags {
  port: string[];
  source: string[];
  for: string;
  reason?: string;
}

/** The shared request flags (request, ssh, rdp). */
export function withAskFlags(command: Command, defaultFor: string): Command {
  return command
    .option("--source <source>", "my-ip (default) or an IP/CIDR the policy allows; repeatable", collect, [])
    .option("--for <duration>", "how long, e.g. 30m, 1h, 1h30m (at most the policy's maximum)", defaultFor)
    .option("--reason <text>", "justification, recorded in the activity log");
}

export function accessCommands(program: Command, ctx: CliContext): void {
  withAskFlags(
    program
      .command("request")
      .description("request access to ports of a VM (opened at once, or after approval)")
      .argument("<vm>", "VM name or ARM id")
      .option("--port <port>", "port to open; repeatable", collect, []),
    "1h",
  )
    .option("--wait", "wait until approvers decide and the ports are open")
    .addHelpText(
      "after",
      "\nExit codes: 0 opened (or waiting, without --wait), 4 refused by the policy or permissions, 5 denied, 6 lapsed, 7 failed, 8 unknown VM.\n\nExample:\n  $ portcullis request vm-dev-api-01 --port 22 --for 1h --reason \"deploy fix\" --wait",
    )
    .action(async (vm: string, options: AskFlags & { wait?: boolean }) => {
      const ports = parsePorts(options.port, []);
      if (ports.length === 0) throw new CliError("--port: give at least one port to open, e.g. --port 22", ExitCode.usage);
      const minutes = parseMinutes(options.for, "--for");
      const api = await ctx.api();
      const outcome = await askAccess(ctx, api, { vm: await resolveVm(api, vm), ports, sources: options.source, minutes, reason: options.reason, wait: options.wait === true });
      if (ctx.json) ctx.printJson(outcome.kind === "opened" ? outcome.grant : outcome.request);
      else if (outcome.kind === "opened") ctx.out(grantLine(outcome.grant));
      else ctx.out(`Request ${outcome.request.id} is waiting for approval`);
    });

  program
    .command("grants")
    .description("your grants: open ones (default) or --all recent")
    .option("--all", "include closed and failed grants")
    .addHelpText("after", "\nExample:\n  $ portcullis grants --json")
    .action(async (options: { all?: boolean }) => {
      const query = new URLSearchParams({ scope: "mine", status: options.all === true ? "all" : "active", pageSize: "500" });
      const { items } = await (await ctx.api()).get(`/api/grants?${query}`, ListGrantsResponseSchema);
      if (ctx.json) {
        ctx.printJson(items);
        return;
      }
      ctx.out(
        formatTable(
          ["ID", "VM", "PORTS", "SOURCES", "STATUS", "ENDS"],
          items.map((g) => [g.id, g.vmName, g.ports.map((p) => p.port).join(","), g.sourcePrefixes.join(","), g.status, shortTime(g.endsAt)]),
          ctx.io.stdout.isTTY === true,
        ),
      );
    });

  program
    .command("extend")
    .description("lengthen an open grant (up to the policy's maximum from its start)")
    .argument("<id>", "grant id")
    .requiredOption("--by <duration>", "how much longer, e.g. 30m")
    .addHelpText("after", "\nExample:\n  $ portcullis extend 3f0c...-... --by 30m")
    .action(async (id: string, options: { by: string }) => {
      const addMinutes = parseMinutes(options.by, "--by");
      if (!ExtendGrantBodySchema.safeParse({ addMinutes }).success) throw new CliError(`--by: must be at most 24h (got "${options.by}")`, ExitCode.usage);
      const body = { addMinutes };
      const grant = await (await ctx.api()).post(`/api/grants/${checkId(id, "grant")}/extend`, GrantSchema, body);
      if (ctx.json) ctx.printJson(grant);
      else ctx.out(grantLine(grant));
    });

  program
    .command("revoke")
    .description("close a grant now (the NSG rules are removed)")
    .argument("<id>", "grant id")
    .addHelpText("after", "\nExample:\n  $ portcullis revoke 3f0c...-...")
    .action(async (id: string) => {
      const grant = await (await ctx.api()).post(`/api/grants/${checkId(id, "grant")}/revoke`, GrantSchema);
      if (ctx.json) ctx.printJson(grant);
      else ctx.out(`Revoked grant ${grant.id} on ${grant.vmName} (${grant.status})`);
    });
}
