import type { Kysely } from "kysely";
import { isUuid, type EventDetailsInput, type RoleAssignment } from "@portcullis/contract";
import type { AuditContext } from "../lib/audit/audit-context.ts";
import { auditEvent, type AuditRecorder } from "../lib/audit/audit-events.ts";
import { normalizeScope } from "../lib/auth/scope.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { ConflictError, NotFoundError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { createRoleAssignmentRepository, type NewRoleAssignment } from "./repository.ts";

/** Adding and removing role assignments, each with its audit event (success in the same transaction, failure after). */
export interface RoleAssignmentService {
  /** 409 when the principal already holds the role at that scope. */
  create(input: Omit<NewRoleAssignment, "createdBy">, context: AuditContext): Promise<RoleAssignment>;
  /** 404 when no assignment has that id. */
  delete(id: string, context: AuditContext): Promise<void>;
}

function assignmentDetails(a: Pick<RoleAssignment, "principalType" | "principalId" | "principalName" | "role" | "scope"> & { id?: string }): EventDetailsInput<"rbac.assignment-added"> {
  return {
    ...(a.id === undefined ? {} : { assignmentId: a.id }),
    principalType: a.principalType,
    principalId: a.principalId.toLowerCase(),
    principalName: a.principalName,
    role: a.role,
    scope: normalizeScope(a.scope),
  };
}


export interface RoleAssignmentServiceDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  logger: Logger;
  /**
   * Runs after a removal committed (the composition root wires the access it withdraws: pending requests cancelled,
   * open grants revoked). A failure is logged; the removal stands, and approvals re-check the requester anyway.
   */
  afterRemove?(removed: RoleAssignment, context: AuditContext): Promise<void>;
}

export function createRoleAssignmentService(deps: RoleAssignmentServiceDeps): RoleAssignmentService {
  async function recordFailure(action: "rbac.assignment-added" | "rbac.assignment-removed", context: AuditContext, details: EventDetailsInput<"rbac.assignment-added">, error: unknown): Promise<void> {
    try {
      await deps.audit.record(deps.db, auditEvent({ actor: context.actor, outcome: "failure", error: error instanceof Error ? error.message : String(error), correlationId: context.correlationId }, action, details));
    } catch (recordError) {
      deps.logger.error({ err: recordError }, `could not record the audit event of a failed ${action}`);
    }
  }

  return {
    async create(input, context) {
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const created = await createRoleAssignmentRepository(trx).create({ ...input, createdBy: { oid: context.actor.oid, name: context.actor.name } });
          if (created === undefined) {
            throw new ConflictError(`${input.principalType} ${input.principalId} already holds ${input.role} at scope ${normalizeScope(input.scope)}`);
          }
          await deps.audit.record(trx, { actor: context.actor, action: "rbac.assignment-added", outcome: "success", details: assignmentDetails(created), correlationId: context.correlationId });
          return created;
        });
      } catch (error) {
        await recordFailure("rbac.assignment-added", context, assignmentDetails(input), error);
        throw error;
      }
    },

    async delete(id, context) {
      let removed: RoleAssignment;
      try {
        removed = await deps.db.transaction().execute(async (trx) => {
          // Not a uuid cannot name an assignment; asking the database would only fail on the cast.
          const gone = isUuid(id) ? await createRoleAssignmentRepository(trx).remove(id.toLowerCase()) : undefined;
          if (gone === undefined) throw new NotFoundError(`No role assignment ${id}`);
          await deps.audit.record(trx, { actor: context.actor, action: "rbac.assignment-removed", outcome: "success", details: assignmentDetails(gone), correlationId: context.correlationId });
          return gone;
        });
      } catch (error) {
        await recordFailure("rbac.assignment-removed", context, { assignmentId: id }, error);
        throw error;
      }
      await deps.afterRemove?.(removed, context).catch((error: unknown) => deps.logger.error({ err: error, assignmentId: id }, "withdrawing the access of a removed role assignment failed"));
    },
  };
}
