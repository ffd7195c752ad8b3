import { AccessRequestSchema, GrantSchema, type AccessRequest, type Grant } from "@portcullis/contract";
import { z } from "zod";
import type { ApiClient } from "./api.ts";
import type { CliContext } from "./context.ts";
import { CliError, ExitCode } from "./errors.ts";
import type { VmRef } from "./vms.ts";

export interface AccessAsk {
  vm: VmRef;
  ports: number[];
  /** "my-ip" or IPs/CIDRs. */
  sources: string[];
  minutes: number;
  reason: string | undefined;
  wait: boolean;
}

export type AccessOutcome = { kind: "opened"; grant: Grant } | { kind: "pending"; request: AccessRequest };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sourcesBody(sources: readonly string[]): { kind: "my-ip" } | { kind: "ranges"; prefixes: string[] } {
  if (sources.length === 0 || (sources.length === 1 && sources[0] === "my-ip")) return { kind: "my-ip" };
  if (sources.includes("my-ip")) throw new CliError("--source: give either my-ip or IP ranges, not both", ExitCode.usage);
  return { kind: "ranges", prefixes: [...sources] };
}

/** Polls a grant while its NSG rules are being written; returns it open, or fails with the server's reason. */
export async function untilOpen(ctx: CliContext, api: ApiClient, grant: Grant): Promise<Grant> {
  let current = grant;
  if (current.status === "opening") ctx.say(`Writing the NSG rules for ${current.vmName}...`);
  while (current.status === "opening") {
    await sleep(ctx.pollMs());
    current = await api.get(`/api/grants/${current.id}`, GrantSchema);
  }
  if (current.status === "open") return current;
  throw new CliError(`The ports of ${current.vmName} could not be opened: ${current.error ?? current.statusReason ?? current.status}`, ExitCode.failed);
}

function approvalsLine(request: AccessRequest): string {
  const { remaining } = request.approval;
  const approvedBy = request.approval.decisions.filter((d) => d.decision === "approve").map((d) => d.approver.name);
  return `Waiting for ${remaining} more approval${remaining === 1 ? "" : "s"}${approvedBy.length > 0 ? ` (approved so far by ${approvedBy.join(", ")})` : ""} of request ${request.id}`;
}

/** Waits for a decision on a pending request; opened returns the open grant, every other end is a CliError with its exit code. */
export async function untilDecided(ctx: CliContext, api: ApiClient, pending: AccessRequest): Promise<Grant> {
  let request = pending;
  let said = "";
  while (request.status === "pending") {
    const line = approvalsLine(request);
    if (line !== said) ctx.say(line);
    said = line;
    await sleep(ctx.pollMs());
    request = await api.get(`/api/access-requests/${request.id}`, AccessRequestSchema);
  }
  switch (request.status) {
    case "opened": {
      if (request.grantId === null) throw new CliError(`Request ${request.id} was approved but names no grant`, ExitCode.failed);
      ctx.say(`Approved.`);
      return untilOpen(ctx, api, await api.get(`/api/grants/${request.grantId}`, GrantSchema));
    }
    case "denied": {
      const denial = request.approval.decisions.find((d) => d.decision === "deny");
      throw new CliError(`Denied by ${denial?.approver.name ?? "an approver"}${denial?.comment ? `: ${denial.comment}` : ""}`, ExitCode.denied);
    }
    case "lapsed":
      throw new CliError(`Request ${request.id} lapsed: nobody approved it within the policy's wait`, ExitCode.lapsed);
    case "cancelled":
      throw new CliError(`Request ${request.id} was cancelled`, ExitCode.failed);
    default:
      throw new CliError(`Request ${request.id} failed: ${request.error ?? "the ports could not be opened"}`, ExitCode.failed);
  }
}

/** Asks for access; with `wait`, returns only once the ports are open (or fails with the outcome's exit code). */
export async function askAccess(ctx: CliContext, api: ApiClient, ask: AccessAsk): Promise<AccessOutcome> {
  ctx.say(`Requesting port${ask.ports.length === 1 ? "" : "s"} ${ask.ports.join(", ")} on ${ask.vm.name} for ${ask.minutes} minutes...`);
  const body = {
    vmId: ask.vm.id,
    ports: ask.ports.map((port) => ({ port })),
    sources: sourcesBody(ask.sources),
    durationMinutes: ask.minutes,
    ...(ask.reason === undefined ? {} : { justification: ask.reason }),
  };
  const answer = await api.call("POST", "/api/requests", z.union([GrantSchema, AccessRequestSchema]), body);
  if (answer.status === 201) return { kind: "opened", grant: await untilOpen(ctx, api, GrantSchema.parse(answer.body)) };
  const request = AccessRequestSchema.parse(answer.body);
  if (!ask.wait) {
    ctx.say(`${approvalsLine(request)}. Run \`portcullis request ... --wait\` next time to wait for it.`);
    return { kind: "pending", request };
  }
  return { kind: "opened", grant: await untilDecided(ctx, api, request) };
}
