import type { NetworkSecurityGroup } from "@azure/arm-network";
import { isRestError } from "@azure/core-rest-pipeline";
import { requireArmResourceId } from "./arm-resource-id.ts";
import type { ArmClients } from "./clients.ts";
import { armErrorDetailCodes, armErrorMessages } from "./clients.ts";
import { ArmNotFoundError, nsgStateOf, type NsgState } from "./nsg-read.ts";

/**
 * Why one NSG write did not happen, sorted by what to do next:
 * - `precondition`: 412, someone wrote the NSG since we read it: re-read, re-plan, write again;
 * - `busy`: 409 AnotherOperationInProgress / 429 RetryableError(DueToAnotherOperation): wait and write again;
 * - `throttled`: any other 429: wait (Retry-After) and write again;
 * - `not-found`: the NSG is gone;
 * - `rejected`: ARM refused the write (400 validation, 401/403 authorization, other 4xx);
 * - `operation-failed`: accepted, then the long-running operation ended Failed (ARM keeps the NSG as it was);
 * - `unreachable`: no answer, a 5xx, a timeout or our own deadline: see `unknownOutcome`.
 */
export type NsgWriteFailureKind = "precondition" | "busy" | "throttled" | "not-found" | "rejected" | "operation-failed" | "unreachable";

export interface NsgWriteFailure {
  kind: NsgWriteFailureKind;
  status: number | null;
  /** ARM's error code (`SecurityRuleConflict`, `PreconditionFailed`, ...) or a description of the failure. */
  code: string;
  message: string;
  /** From Retry-After, when ARM sent one. */
  retryAfterMs: number | null;
  /**
   * The write may have landed: the PUT got no answer (or a 5xx), or ARM accepted it and then its long-running
   * operation could not be followed to the end (a poll that failed or answered 404, our deadline). Only reading
   * the NSG tells; nothing may assume either way.
   */
  unknownOutcome?: boolean;
  /**
   * An operation that may still be running in ARM: it accepted the PUT (or never answered it), so a read that does
   * not find the write yet does not prove it will not land later.
   */
  mayStillLand?: boolean;
}

/** Raised by writeNsg; `failure` says what happened. */
export class NsgWriteAttemptError extends Error {
  readonly failure: NsgWriteFailure;
  constructor(failure: NsgWriteFailure, options?: { cause?: unknown }) {
    super(`${failure.code}: ${failure.message}`, options);
    this.name = "NsgWriteAttemptError";
    this.failure = failure;
  }
}

/** Retry-After in seconds or as an HTTP date. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | null {
  if (value === undefined || value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const failedOperation = /^The long-running operation has failed\.\s*([^.\s]+)\.\s*([\s\S]*)$/;

const busyCodes = new Set(["anotheroperationinprogress", "retryableerrorduetoanotheroperation", "operationnotallowed"]);

/**
 * Azure's network provider answers a busy NSG with `RetryableError` and the reason in `details`: read from the
 * SDK's parsed body when it has one, else from the body the pipeline kept (long-running writes pass none on).
 */
function isBusy(code: string, error: { details?: unknown; request?: object }): boolean {
  if (busyCodes.has(code.toLowerCase())) return true;
  if (code.toLowerCase() !== "retryableerror") return false;
  const parsed = (error.details as { error?: { details?: Array<{ code?: unknown }> } } | undefined)?.error?.details;
  const codes = Array.isArray(parsed)
    ? parsed.flatMap((d) => (typeof d.code === "string" ? [d.code] : []))
    : (error.request === undefined ? undefined : armErrorDetailCodes.get(error.request)) ?? [];
  return codes.some((c) => busyCodes.has(c.toLowerCase()));
}

export function classifyWriteError(error: unknown): NsgWriteFailure {
  if (isRestError(error)) {
    const status = error.statusCode ?? null;
    const code = error.code ?? (status === null ? "NoResponse" : `HTTP${status}`);
    const kept = error.request === undefined ? undefined : armErrorMessages.get(error.request);
    const message = kept ?? error.message;
    const retryAfterMs = parseRetryAfter(error.response?.headers.get("retry-after"));
    const base = { status, code, message, retryAfterMs };
    if (status === null) return { kind: "unreachable", ...base };
    if (status === 412) return { kind: "precondition", ...base };
    if ((status === 409 || status === 429) && isBusy(code, error)) return { kind: "busy", ...base };
    if (status === 429) return { kind: "throttled", ...base };
    if (status === 404) return { kind: "not-found", ...base };
    if (status >= 500 || status === 408) return { kind: "unreachable", ...base };
    return { kind: "rejected", ...base };
  }
  if (error instanceof Error) {
    const lro = failedOperation.exec(error.message);
    if (lro !== null) {
      return { kind: "operation-failed", status: null, code: lro[1] ?? "OperationFailed", message: (lro[2] ?? "").trim() || error.message, retryAfterMs: null };
    }
    const timedOut = error.name === "AbortError" || error.name === "TimeoutError";
    return { kind: "unreachable", status: null, code: timedOut ? "Timeout" : error.name, message: error.message, retryAfterMs: null };
  }
  return { kind: "unreachable", status: null, code: "Unknown", message: String(error), retryAfterMs: null };
}

export interface WriteNsgOptions {
  /** Ends the call (the PUT or the wait for its operation) when aborted: the outcome is then unknown. */
  signal?: AbortSignal;
  /** How often the operation's status is asked for (ARM's Retry-After on a poll is honoured too); default 1 s. */
  pollIntervalMs?: number;
}

/**
 * One whole-NSG PUT with `If-Match: <etag>`, followed to the end of ARM's long-running operation, with no retry
 * inside (the caller decides every wait). Resolves with the NSG as ARM holds it afterwards; rejects with
 * NsgWriteAttemptError, whose failure says whether the write may have landed (`unknownOutcome`).
 */
export async function writeNsg(clients: ArmClients, nsgId: string, body: NetworkSecurityGroup, etag: string, options: WriteNsgOptions = {}): Promise<NsgState> {
  const id = requireArmResourceId(nsgId, "Microsoft.Network/networkSecurityGroups");
  const signal = options.signal;
  let accepted = false;
  try {
    const poller = await clients.networkWrites(id.subscriptionId).networkSecurityGroups.beginCreateOrUpdate(id.resourceGroup, id.name, body, {
      requestOptions: { headers: { "If-Match": etag } },
      updateIntervalInMs: options.pollIntervalMs ?? 1_000,
      ...(signal === undefined ? {} : { abortSignal: signal }),
    });
    accepted = true;
    const written = await poller.pollUntilDone(signal === undefined ? {} : { abortSignal: signal });
    return nsgStateOf(written, nsgId);
  } catch (error) {
    const failure = classifyWriteError(error);
    // Once ARM took the PUT, only an operation that ended Failed is known not to have changed the NSG.
    const unknownOutcome = accepted ? failure.kind !== "operation-failed" : failure.kind === "unreachable";
    const mayStillLand = unknownOutcome && (accepted || failure.status === null);
    throw new NsgWriteAttemptError(accepted && failure.kind !== "operation-failed" ? { ...failure, kind: "unreachable", unknownOutcome, mayStillLand } : { ...failure, unknownOutcome, mayStillLand }, { cause: error });
  }
}

/**
 * One GET of an NSG for a write (its ETag), on the client without SDK retries, so a throttled or busy answer comes
 * back at once with its Retry-After (the caller decides whether that wait fits its deadline) instead of being slept
 * inside the SDK. A 404 is ArmNotFoundError; any other failure an NsgWriteAttemptError (nothing was written).
 */
export async function readNsgOnce(clients: ArmClients, nsgId: string, signal?: AbortSignal): Promise<NsgState> {
  const id = requireArmResourceId(nsgId, "Microsoft.Network/networkSecurityGroups");
  let arm: NetworkSecurityGroup;
  try {
    arm = await clients.networkWrites(id.subscriptionId).networkSecurityGroups.get(id.resourceGroup, id.name, signal === undefined ? {} : { abortSignal: signal });
  } catch (error) {
    if (isRestError(error) && error.statusCode === 404) throw new ArmNotFoundError(nsgId, { cause: error });
    throw new NsgWriteAttemptError({ ...classifyWriteError(error), unknownOutcome: false }, { cause: error });
  }
  if (arm.etag === undefined) {
    throw new NsgWriteAttemptError({ kind: "unreachable", status: null, code: "MissingETag", message: `ARM returned NSG ${nsgId} without an ETag`, retryAfterMs: null, unknownOutcome: false });
  }
  return nsgStateOf(arm, nsgId);
}
