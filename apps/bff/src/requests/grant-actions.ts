import type { Grant } from "@portcullis/contract";
import { extendGrant, fitSources } from "@portcullis/core";
import type { Kysely } from "kysely";
import { auditActorOf, type AuditActor, type AuditRecorder } from "../lib/audit/audit-events.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { ConflictError, NotAllowedError, NotFoundError, problemsError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { policyOperationError } from "../policies/errors.ts";
import { toJitPolicy } from "../policies/policy-mapping.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { positionNsgIds, readVmPositions } from "../lib/azure/vm-positions.ts";
import type { Clock } from "../lib/time/clock.ts";
import { closeError, errorDetails, errorText } from "./errors.ts";
import type { GrantCloser } from "./grant-closer.ts";
import { plannerGrant } from "./grant-plans.ts";
import { grantAuditDetails, grantVmId, toGrant, type GrantRecord } from "./grant-record.ts";
import type { GrantWriter } from "./grant-writer.ts";
import type { GrantRepository, Lease } from "./repository.ts";
import type { Caller } from "../lib/auth/caller.ts";

export interface GrantActionDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  grants: GrantRepository;
  policies: PolicyRepository;
  arm: ArmClients;
  writer: GrantWriter;
  closer: GrantCloser;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  lease(now?: Date): Lease;
  timeoutMs: number;
}

const revokeAny = "jit.request.revoke.any";

const actor = (caller: Caller) => auditActorOf(caller);

/** Reading, revoking and extending one grant. */
export function createGrantActions(deps: GrantActionDeps) {
  function isOwner(record: GrantRecord, caller: Caller): boolean {
    return record.requesterOid === caller.oid;
  }

  /**
   * The grant when the caller may see it: its requester, or someone who may revoke any grant on its VM. Anyone
   * else gets the very answer an unknown id gets, so they learn neither that it exists nor its VM.
   */
  async function visible(id: string, caller: Caller): Promise<GrantRecord> {
    const record = await deps.grants.get(id);
    if (record === null || !(isOwner(record, caller) || caller.access.has(revokeAny, record.vmId))) {
      // The same answer, and the same access.denied event on a write (the caller may read their own events), for an
      // id that does not exist and one the caller may not touch: neither tells that the grant exists, nor where.
      const refusal = new NotAllowedError(`Refused: grant ${id} (answered as not found)`, { details: { permission: revokeAny, grantId: id } });
      throw new NotFoundError(`No grant ${id}`, { details: { grantId: id }, cause: refusal });
    }
    return record;
  }

  return {
    /** The requester, or someone who may revoke any grant on the VM. */
    async get(id: string, caller: Caller): Promise<Grant> {
      return toGrant(await visible(id, caller));
    },

    /** Closes an open grant now: the requester's own (`UserRequested`), or anyone's with revoke.any on the VM (`Revoked`). */
    async revoke(id: string, caller: Caller): Promise<Grant> {
      const record = await visible(id, caller);
      const owner = isOwner(record, caller);
      if (record.status === "closing") return toGrant(record);
      if (record.status === "closed" || record.status === "failed") throw new ConflictError(`Grant ${id} has already ended (${record.status})`, { details: { grantId: id, status: record.status } });
      if (record.status === "opening") throw new ConflictError(`Grant ${id} is still opening; try again in a moment`, { details: { grantId: id, status: record.status } });
      const claimed = await deps.grants.claimForClose(id, owner ? "UserRequested" : "Revoked", deps.lease());
      if (claimed === null) {
        const now = await deps.grants.get(id);
        if (now?.status === "closing") return toGrant(now);
        throw new ConflictError(`Grant ${id} is being changed by another operation; try again`, { details: { grantId: id, reason: "busy" } });
      }
      const result = await deps.closer.close([claimed], actor(caller), caller.correlationId);
      const closed = result.closed[0];
      if (closed !== undefined) return toGrant(closed);
      throw closeError(result.failed[0]?.error ?? new Error("closing failed"));
    },

    /**
     * Closes an open grant on Portcullis's own authority (the requester lost the permission that got it): no caller
     * check; `actor` is who caused it. Returns whether it closed now (false: already ending, or ARM retries later).
     */
    async revokeAs(id: string, actor: AuditActor, correlationId: string | null, why: { cause?: string }): Promise<boolean> {
      const claimed = await deps.grants.claimForClose(id, "Revoked", deps.lease());
      if (claimed === null) return false;
      const result = await deps.closer.close([claimed], actor, correlationId, why);
      return result.closed.length > 0;
    },

    /**
     * Moves an open grant's end later, within the policy's max from its original start: the requester only, and only
     * while they still hold `jit.request.create` on the VM (lengthening access is checked like opening it).
     */
    async extend(id: string, addMinutes: number, caller: Caller): Promise<Grant> {
      const record = await visible(id, caller);
      // Someone who may see the grant (an admin of its VM) learns nothing new from this refusal.
      if (!isOwner(record, caller)) throw new NotAllowedError(`Only the requester may extend grant ${id}`, { details: { grantId: id } });
      if (!caller.access.has("jit.request.create", record.vmId)) {
        throw new NotAllowedError(`You no longer hold jit.request.create on VM ${record.vmName}, so grant ${id} cannot be extended; it keeps its end`, {
          details: { permission: "jit.request.create", scope: grantVmId(record), reason: "RequesterNoLongerAuthorized" },
        });
      }
      if (record.status !== "open") throw new ConflictError(`Grant ${id} is ${record.status}: only an open grant can be extended`, { details: { grantId: id, status: record.status } });
      const policy = await deps.policies.get(record.vmId);
      if (policy === null) throw new ConflictError(`VM ${record.vmName} no longer has a JIT policy: its grants cannot be extended`, { details: { grantId: id } });
      const jitPolicy = toJitPolicy(policy.ports);
      const rules = record.ports.map((p) => ({ port: p, rule: jitPolicy.ports.find((r) => r.port === p.port && r.protocol === p.protocol) }));
      const gone = rules.find((entry) => entry.rule === undefined);
      if (gone !== undefined) throw new ConflictError(`Port ${gone.port.port}/${gone.port.protocol} is no longer in VM ${record.vmName}'s JIT policy: request access again`, { details: { grantId: id } });
      // The grant's sources must still fit the ports' policy as it is now (an admin may have narrowed it since).
      const sourceProblems: Array<{ field: string; rule: string }> = [];
      fitSources({ kind: "ranges", prefixes: record.sourcePrefixes }, rules.flatMap((entry) => (entry.rule === undefined ? [] : [entry.rule])), sourceProblems);
      if (sourceProblems.length > 0) {
        throw new ConflictError(`Grant ${id}'s sources no longer fit VM ${record.vmName}'s policy (${sourceProblems.map((p) => p.rule).join("; ")}): request access again`, {
          details: { grantId: id, reason: "SourcesNoLongerAllowed" },
        });
      }
      const maxMinutes = Math.min(...rules.map((entry) => entry.rule?.maxRequestMinutes ?? 0));
      const now = deps.clock.now();
      const extension = extendGrant({ grant: { startsAt: record.startsAt, endsAt: record.endsAt }, policyMaxMinutes: maxMinutes, now, addMinutes });
      if (!extension.ok) throw problemsError(extension.problems);
      const held = deps.lease(now);
      const leased = await deps.grants.leaseOpen(id, held);
      if (leased === null) throw new ConflictError(`Grant ${id} is being changed by another operation; try again`, { details: { grantId: id, reason: "busy" } });
      try {
        const read = (await readVmPositions(deps.arm, [grantVmId(record)], "throw")).get(record.vmId) ?? null;
        if (read === null) throw new NotFoundError(`VM ${record.vmName} was not found in Azure`);
        let saved: GrantRecord = leased;
        await deps.writer.extend(
          plannerGrant(leased, read.position, jitPolicy, extension.endsAt),
          plannerGrant(leased, read.position, jitPolicy),
          positionNsgIds(read),
          Date.now() + deps.timeoutMs,
          async () => {
            saved = await deps.grants.finishExtend(id, extension.endsAt, held, (trx) =>
              deps.audit.record(trx, {
                actor: actor(caller),
                action: "request.extended",
                outcome: "success",
                vmId: record.vmId,
                details: { ...grantAuditDetails({ ...record, endsAt: extension.endsAt }, { endsAt: extension.endsAt.toISOString() }), previousEndsAt: record.endsAt.toISOString(), addMinutes },
                correlationId: caller.correlationId,
              }).then(() => undefined),
            );
          },
        );
        return toGrant(saved);
      } catch (error) {
        await deps.grants.releaseLease(id, deps.instanceId).catch((e: unknown) => deps.logger.error({ err: e, grantId: id }, "could not release a grant's lease; it ends by itself"));
        const mapped = policyOperationError(error, "The grant keeps its end time.");
        await deps.audit.record(deps.db, {
          actor: actor(caller),
          action: "request.extended",
          outcome: "failure",
          vmId: record.vmId,
          details: { ...grantAuditDetails(record, errorDetails(mapped)), addMinutes },
          error: errorText(mapped),
          correlationId: caller.correlationId,
        }).catch((e: unknown) => deps.logger.error({ err: e }, "could not record a failed extension"));
        throw mapped;
      }
    },
  };
}

