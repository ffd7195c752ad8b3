import type { JustificationRule } from "@portcullis/contract";
import type { GrantPort, JitPolicy, JitProtocol } from "../planner/types.ts";

/** One broken rule of a request, named by its path in the request (`sources.prefixes[2]`). */
export interface RequestProblem {
  field: string;
  rule: string;
}

/** A port the requester picked; without a protocol it means every protocol the policy configures for that port. */
export interface RequestedPort {
  port: number;
  protocol?: JitProtocol;
}

/**
 * Where access is granted from: the requester's own address as the server saw
 * it (see `resolveClientIp`), or addresses and CIDRs the requester typed.
 */
export type RequestedSources = { kind: "my-ip"; ip: string } | { kind: "ranges"; prefixes: string[] };

export interface AccessRequest {
  ports: RequestedPort[];
  sources: RequestedSources;
  /** Whole minutes, from 5 to the smallest max request time of the requested ports. */
  durationMinutes: number;
  justification?: string;
}

export interface FitRequestInput {
  /** The VM's JIT policy (already valid: see `validatePolicy`). */
  policy: JitPolicy;
  request: AccessRequest;
  /** Whether the policy asks every request for a justification. */
  justificationRequired: boolean;
  /** What a given justification must look like (minimum length, pattern); absent or null: no rule. */
  justificationRule?: JustificationRule | null;
  /** The server's clock, injected. */
  now: Date;
}

/** A request that fits its VM's policy: what a `Grant` (and its database row) needs from the request. */
export interface FittedRequest {
  /** Each as the policy configures it (protocol always set), de-duplicated, in request order. */
  ports: GrantPort[];
  /**
   * Canonical CIDRs (`203.0.113.7/32`, `2001:db8::/48`), de-duplicated, in
   * request order; `*` (or `0.0.0.0/0`, `::/0`) only when every requested
   * port's policy allows any source.
   */
  sourcePrefixes: string[];
  /** True when a source admits every address: the UI shows a warning for it. */
  opensToAnyAddress: boolean;
  durationMinutes: number;
  /** Trimmed; null when none was given. Plain text: escape it where it is shown. */
  justification: string | null;
  /** `now`, cut to the whole second. */
  startsAt: Date;
  /** `startsAt` plus the duration (so also a whole second). */
  endsAt: Date;
}

export type FitRequestResult = { ok: true; grant: FittedRequest } | { ok: false; problems: RequestProblem[] };
