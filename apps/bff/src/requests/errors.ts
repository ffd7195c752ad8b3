import type { FailureFacts } from "@portcullis/contract";
import { NsgChangeFailedError, NsgCommitFailedError, NsgPlanRefusedError } from "../lib/azure/nsg-apply.ts";
import { AppError } from "../lib/errors.ts";
import { policyOperationError } from "../policies/errors.ts";
import { GrantStateChangedError } from "./repository.ts";

/**
 * True when a failed operation left nothing behind in any NSG (nothing written, or every write rolled back).
 * A write whose outcome stayed unknown (no answer, and the NSG could not be read afterwards to tell) may still
 * land after the rollback looked, so it never counts; one whose NSG was read and found without it does.
 */
export function leftNothing(error: unknown): boolean {
  if (error instanceof NsgChangeFailedError) return error.rollback.failed.length === 0 && error.failure.unknownOutcome !== true;
  if (error instanceof NsgCommitFailedError) return error.rollback.failed.length === 0;
  return true;
}

/** Failures of one item of a batch that say nothing about the other items: retry those alone. */
export function concernsOneItem(error: unknown): boolean {
  return error instanceof NsgPlanRefusedError || (error instanceof NsgCommitFailedError && error.cause instanceof GrantStateChangedError);
}

/** What a failed opening answers: 400/409 for what the planner refused, 409/502/503 naming the NSG for ARM. */
export function openError(error: unknown, settled: boolean): unknown {
  return policyOperationError(
    error,
    settled ? "No port was opened." : "The grant is being closed: its rules are removed as soon as ARM takes the write.",
  );
}

const stillClosing = "The grant stays closing: its rules are removed as soon as ARM takes the write.";

/** What a failed close answers: the status of the write failure, a message about removing the rules (nothing is rolled back). */
export function closeError(error: unknown): unknown {
  const mapped = policyOperationError(error, stillClosing);
  if (!(error instanceof NsgChangeFailedError) || !(mapped instanceof AppError)) return mapped;
  const armText = error.failure.message ? `: ${error.failure.message.replace(/\.$/, "")}` : "";
  const message = `Removing the grant's rules from NSG ${error.nsgName} failed: ${error.failure.code}${armText}. ${stillClosing}`;
  return new AppError(mapped.status, mapped.code, message, { details: mapped.details, headers: { ...mapped.headers }, cause: error });
}


/** One line for the grant's `error` and the audit trail. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Status, code and details of a mapped error, for audit details. */
export function errorDetails(error: unknown): FailureFacts {
  if (typeof error === "object" && error !== null && "status" in error && "code" in error) {
    const { status, code, details } = error as { status: unknown; code: unknown; details?: unknown };
    return {
      ...(typeof status === "number" ? { status } : {}),
      ...(typeof code === "string" ? { code } : {}),
      ...(details === undefined ? {} : { errorDetails: details }),
    };
  }
  return { status: 500 };
}
