import { writeFile } from "node:fs/promises";
import path from "node:path";
import { ListGrantsResponseSchema, MyIpResponseSchema, type Grant } from "@portcullis/contract";
import type { Command } from "commander";
import type { ApiClient } from "../api.ts";
import { openerFor, type CliContext } from "../context.ts";
import { parseMinutes } from "../durations.ts";
import { CliError, ExitCode } from "../errors.ts";
import { askAccess, untilOpen } from "../request-flow.ts";
import { resolveVm, type VmRef } from "../vms.ts";
import { grantLine, withAskFlags, type AskFlags } from "./access.ts";

function ipv4ToNumber(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Whether a grant's source prefix admits `ip` (IPv4 by prefix arithmetic; IPv6 only as the same single address). */
export function prefixAdmits(prefix: string, ip: string): boolean {
  if (prefix === "*" || prefix === "Internet" || prefix === "Any") return true;
  const [base = "", bitsText] = prefix.split("/");
  const address = ipv4ToNumber(ip);
  const network = ipv4ToNumber(base);
  if (address === null || network === null) return base.toLowerCase() === ip.toLowerCase() && (bitsText === undefined || bitsText === "128");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const size = 2 ** (32 - bits);
  return Math.floor(address / size) === Math.floor(network / size);
}

const minuteMs = 60_000;

/** An open grant of the caller on the VM's port that admits this machine's address for at least another minute. */
async function usableGrant(api: ApiClient, vm: VmRef, port: number): Promise<Grant | undefined> {
  const { ip } = await api.get("/api/requests/my-ip", MyIpResponseSchema);
  if (ip === null) return undefined;
  const query = new URLSearchParams({ scope: "mine", status: "active", vmId: vm.id, pageSize: "100" });
  const { items } = await api.get(`/api/grants?${query}`, ListGrantsResponseSchema);
  return items.find(
    (g) =>
      (g.status === "open" || g.status === "opening") &&
      g.ports.some((p) => p.port === port) &&
      g.sourcePrefixes.some((prefix) => prefixAdmits(prefix, ip)) &&
      Date.parse(g.endsAt) > Date.now() + minuteMs,
  );
}

/** Uses an open grant for the port or requests one (and waits for approval and the NSG write). */
async function grantFor(ctx: CliContext, vmText: string, port: number, flags: AskFlags): Promise<Grant> {
  const minutes = parseMinutes(flags.for, "--for");
  const api = await ctx.api();
  const vm = await resolveVm(api, vmText);
  const existing = await usableGrant(api, vm, port);
  if (existing !== undefined) {
    ctx.say(`Using grant ${existing.id} (open until ${existing.endsAt})`);
    return untilOpen(ctx, api, existing);
  }
  const outcome = await askAccess(ctx, api, { vm, ports: [port], sources: flags.source, minutes, reason: flags.reason, wait: true });
  if (outcome.kind !== "opened") throw new CliError("The request is still waiting for approval", ExitCode.failed);
  return outcome.grant;
}

function connectHost(grant: Grant): string {
  const address = grant.connect.addresses.find((a) => !a.includes(":")) ?? grant.connect.addresses[0];
  if (address === undefined) throw new CliError(`${grant.vmName} has no private address to connect to`, ExitCode.failed);
  return address;
}

export function connectCommands(program: Command, ctx: CliContext): void {
  withAskFlags(
    program
      .command("ssh")
      .description("open port 22 for this machine (or use an open grant), wait for it, then run ssh to the VM")
      .argument("<vm>", "VM name or ARM id")
      .argument("[ssh-args...]", "arguments for ssh, after --")
      .option("--user <name>", "user name on the VM (default: the VM's admin user)"),
    "1h",
  )
    .addHelpText("after", "\nExamples:\n  $ portcullis ssh vm-dev-api-01\n  $ portcullis ssh vm-dev-api-01 --for 30m --reason \"look at logs\" -- -L 8080:localhost:80")
    .action(async (vm: string, sshArgs: string[], options: AskFlags & { user?: string }) => {
      const grant = await grantFor(ctx, vm, 22, options);
      const host = connectHost(grant);
      const user = options.user ?? /^ssh (\S+)@/.exec(grant.connect.sshCommand ?? "")?.[1];
      const target = user === undefined ? host : `${user}@${host}`;
      const args = ["-p", "22", target, ...sshArgs];
      if (ctx.json) ctx.printJson({ grant, command: ["ssh", ...args] });
      else ctx.say(grantLine(grant));
      ctx.say(`ssh ${args.join(" ")}`);
      let code: number;
      try {
        code = await ctx.io.run("ssh", args, ctx.io.env);
      } catch (error) {
        throw new CliError(`Cannot run ssh: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (code !== 0) throw new CliError(`ssh exited with ${code}`, ExitCode.error);
    });

  withAskFlags(
    program
      .command("rdp")
      .description("open port 3389 for this machine (or use an open grant), then write an .rdp file and open it")
      .argument("<vm>", "VM name or ARM id")
      .option("--out <file>", "where to write the .rdp file (default: <vm>.rdp here)")
      .option("--no-open", "only write the file"),
    "1h",
  )
    .addHelpText("after", "\nExample:\n  $ portcullis rdp vm-prod-app-01 --for 2h --reason \"patch\"")
    .action(async (vm: string, options: AskFlags & { out?: string; open: boolean }) => {
      const grant = await grantFor(ctx, vm, 3389, options);
      const content = grant.connect.rdpFile ?? `full address:s:${connectHost(grant)}:3389\r\nprompt for credentials:i:1\r\n`;
      const file = path.resolve(ctx.io.cwd, options.out ?? `${grant.vmName}.rdp`);
      await writeFile(file, content, { mode: 0o600 });
      if (ctx.json) ctx.printJson({ grant, rdpFile: file });
      else ctx.out(`${grantLine(grant)}\nWrote ${file}`);
      // Linux has no standard RDP handler; macOS and Windows open .rdp files with their clients.
      if (options.open && (process.platform === "darwin" || process.platform === "win32")) {
        const [command, args] = openerFor(process.platform);
        await ctx.io.run(command, [...args, file], ctx.io.env).catch(() => ctx.say(`Open ${file} with your RDP client`));
      }
    });
}
