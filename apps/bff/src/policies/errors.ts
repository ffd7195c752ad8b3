import { ErrorCode } from "@portcullis/contract";
import { ArmNotFoundError } from "../lib/azure/nsg-read.ts";
import { NsgChangeFailedError, NsgCommitFailedError, NsgPlanRefusedError, type RollbackReport } from "../lib/azure/nsg-apply.ts";
import { AppError, ConflictError, InputError, NotFoundError, UpstreamFailedError, UpstreamUnavailableError } from "../lib/errors.ts";
import { LockTimeoutError } from "../lib/locks/nsg-locks.ts";

export function busyVmError(vmIds: readonly string[]): ConflictError {
  const which = vmIds.length === 1 ? `VM ${vmIds[0]} is` : `VMs ${vmIds.join(", ")} are`;
  return new ConflictError(`${which} being changed by another operation; try again`, { details: { reason: "busy", vmIds } });
}

function rollbackSentence(rollback: RollbackReport): string {
  if (rollback.failed.length > 0) {
    return ` Rolling back failed for ${rollback.failed.map((f) => `NSG ${f.nsgName} (${f.code}: ${f.message})`).join(", ")}; it keeps the new rules.`;
  }
  if (rollback.restored.length > 0) return ` The NSGs already written (${rollback.restored.length}) were put back as they were.`;
  return " No NSG was changed.";
}

function writeFailure(error: NsgChangeFailedError, saved: string): AppError {
  const { failure, rollback } = error;
  const armText = failure.message ? `: ${failure.message.replace(/\.$/, "")}` : "";
  const message = `${error.stage === "read" ? "Reading" : "Writing"} NSG ${error.nsgName} failed: ${failure.code}${armText}.${rollbackSentence(rollback)} ${saved}`;
  const details = {
    nsgId: error.nsgId,
    nsgName: error.nsgName,
    reason: failure.kind,
    arm: { status: failure.status, code: failure.code, message: failure.message },
    attempts: error.attempts,
    stage: error.stage,
    rollback,
  };
  switch (failure.kind) {
    case "precondition":
    case "not-found":
      return new ConflictError(message, { details, cause: error });
    case "busy":
    case "throttled": {
      const seconds = Math.max(1, Math.ceil((failure.retryAfterMs ?? 5_000) / 1000));
      return new AppError(503, ErrorCode.upstreamUnavailable, message, { details, cause: error, headers: { "Retry-After": String(seconds) } });
    }
    case "rejected":
    case "operation-failed":
      return new UpstreamFailedError(message, { details, cause: error });
    case "unreachable":
      return new UpstreamUnavailableError(message, { details, cause: error });
  }
}

/**
 * What a failed policy operation answers: the planner's refusals are the caller's input (400) or the NSG's
 * state (409); a write that failed names the NSG and ARM's code and message (409/502/503).
 */
export function policyOperationError(error: unknown, saved = "The policy was not saved."): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof NsgPlanRefusedError) {
    const { failure } = error;
    const details = { reason: failure.reason, nsgId: failure.nsgId };
    if (failure.reason === "no-nsg" || failure.reason === "invalid-input") return new InputError(failure.message, { details, cause: error });
    return new ConflictError(`${failure.message}. ${saved}`, { details, cause: error });
  }
  if (error instanceof NsgChangeFailedError) return writeFailure(error, saved);
  if (error instanceof NsgCommitFailedError) {
    const cause = error.cause;
    if (cause instanceof AppError) return cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new UpstreamUnavailableError(`Storing the change in the database failed (${reason}).${rollbackSentence(error.rollback)} ${saved}`, {
      details: { reason: "storage", rollback: error.rollback },
      cause: error,
    });
  }
  if (error instanceof LockTimeoutError) {
    return new ConflictError(`NSG ${error.key} is being changed by another operation; try again`, { details: { reason: "busy", nsgId: error.key }, cause: error });
  }
  if (error instanceof ArmNotFoundError) {
    return new NotFoundError(`${error.resourceId} was not found in Azure`, { details: { resourceId: error.resourceId }, cause: error });
  }
  return error;
}
