import { randomUUID } from "node:crypto";
import type { CreateAccessRequestBody, Grant } from "@portcullis/contract";
import { fitRequest, supersededGrants } from "@portcullis/core";
import type { Kysely } from "kysely";
import { recordAuditEvent, recordAuditEvents, type AuditActor } from "../lib/audit/audit-events.ts";
import type { Access } from "../lib/auth/access.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { NotFoundError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { policyOperationError } from "../policies/errors.ts";
import { toJitPolicy } from "../policies/policy-mapping.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { positionNsgIds, readVmPositions } from "../policies/vm-positions.ts";
import type { Clock } from "../scheduler/clock.ts";
import { errorDetails, errorText, leftNothing, openError, problemsError } from "./errors.ts";
import type { GrantCloser } from "./grant-closer.ts";
import { plannerGrant } from "./grant-plans.ts";
import { grantAuditDetails, toGrant, type GrantRecord } from "./grant-record.ts";
import type { GrantWriter } from "./grant-writer.ts";
import { createGrantActions } from "./grant-actions.ts";
import { createOpener, type OpenJob } from "./opener.ts";
import type { GrantListStatus, GrantRepository, Lease } from "./repository.ts";

/** Who asks: the signed-in principal, what they may do, their address (through trusted proxies), the request id. */
export interface Caller {
  oid: string;
  name: string;
  access: Access;
  ip: string | null;
  correlationId: string | null;
}

export interface RequestServiceDeps {
  db: Kysely<DatabaseSchema>;
  grants: GrantRepository;
  policies: PolicyRepository;
  arm: ArmClients;
  writer: GrantWriter;
  closer: GrantCloser;
  clock: Clock;
  instanceId: string;
  logger: Logger;
  /** ARM time per request, lock waits and retries included; default 120 s. */
  operationTimeoutMs?: number;
  /** How long this process holds a grant it works on before another may take it over; default 5 minutes. */
  leaseMs?: number;
  /** Batching window for grants to the same NSGs; default 5 ms. */
  coalesceWindowMs?: number;
}

export const defaultLeaseMs = 5 * 60_000;

export function actorOf(caller: Caller): AuditActor {
  return { oid: caller.oid, name: caller.name, ip: caller.ip };
}

export function createRequestService(deps: RequestServiceDeps) {
  const timeoutMs = deps.operationTimeoutMs ?? 120_000;
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const lease = (now: Date = deps.clock.now()): Lease => ({ claimedBy: deps.instanceId, now, until: new Date(now.getTime() + leaseMs) });
  const audits = new Map<string, { actor: AuditActor; correlationId: string | null }>();

  const opener = createOpener({
    writer: deps.writer,
    ...(deps.coalesceWindowMs === undefined ? {} : { windowMs: deps.coalesceWindowMs }),
    async commit(jobs: readonly OpenJob[]) {
      const ids = jobs.map((job) => job.record.id);
      const superseded = jobs.flatMap((job) => job.superseded.map((g) => g.id));
      const supersededBy = new Map(jobs.flatMap((job) => job.superseded.map((g) => [g.id, job.record.id] as const)));
      await deps.grants.markOpened(ids, superseded, lease(), (trx, changed) =>
        recordAuditEvents(
          trx,
          changed.map((record) => {
            const by = supersededBy.get(record.id);
            const context = audits.get(by ?? record.id);
            return {
              actor: context?.actor ?? { oid: record.requesterOid, name: record.requesterName, ip: record.requesterIp },
              action: by === undefined ? ("request.opened" as const) : ("request.superseded" as const),
              outcome: "success" as const,
              vmId: record.vmId,
              details: by === undefined ? grantAuditDetails(record, { nsgIds: record.nsgIds, endsAt: record.endsAt.toISOString() }) : grantAuditDetails(record, { reason: "NewerRequestInitiated", supersededBy: by }),
              correlationId: context?.correlationId ?? null,
            };
          }),
        ).then(() => undefined),
      );
    },
  });

  async function create(body: CreateAccessRequestBody, caller: Caller): Promise<Grant> {
    const policy = await deps.policies.get(body.vmId);
    if (policy === null) {
      throw new NotFoundError(`VM ${body.vmId} has no JIT policy: access cannot be requested until an admin enables JIT on it`, {
        details: { vmId: body.vmId, problems: [{ field: "vmId", rule: "has no JIT policy" }] },
      });
    }
    const jitPolicy = toJitPolicy(policy.ports);
    const now = deps.clock.now();
    const fit = fitRequest({
      policy: jitPolicy,
      request: {
        ports: body.ports,
        sources: body.sources.kind === "my-ip" ? { kind: "my-ip", ip: caller.ip ?? "unknown" } : body.sources,
        durationMinutes: body.durationMinutes,
        ...(body.justification === undefined ? {} : { justification: body.justification }),
      },
      justificationRequired: policy.justificationRequired,
      now,
    });
    if (!fit.ok) throw problemsError(fit.problems);

    let read;
    try {
      read = (await readVmPositions(deps.arm, [body.vmId], "throw")).get(body.vmId.toLowerCase());
    } catch (error) {
      throw policyOperationError(error, "No port was opened.");
    }
    if (read === undefined) throw new NotFoundError(`${body.vmId} was not found in Azure`, { details: { resourceId: body.vmId } });
    const nsgIds = positionNsgIds(read);
    const existing = await deps.grants.openOnVm(caller.oid, body.vmId);
    const supersede = supersededGrants(
      existing.map((r) => ({ id: r.id, requesterOid: r.requesterOid, vmId: r.vmId, ports: r.ports, status: "open" as const })),
      { requesterOid: caller.oid, vmId: body.vmId, ports: fit.grant.ports },
    );
    const held = lease(now);
    const record: GrantRecord = {
      id: randomUUID(),
      vmId: read.vm.id.toLowerCase(),
      vmName: read.vm.name,
      resourceGroup: read.vm.resourceGroup,
      subscriptionId: read.vm.subscriptionId,
      requesterOid: caller.oid,
      requesterName: caller.name,
      requesterIp: caller.ip,
      ports: fit.grant.ports,
      sourcePrefixes: fit.grant.sourcePrefixes,
      justification: fit.grant.justification,
      status: "opening",
      statusReason: null,
      createdAt: now,
      startsAt: fit.grant.startsAt,
      endsAt: fit.grant.endsAt,
      closedAt: null,
      closeAttempts: 0,
      nextAttemptAt: null,
      lastError: null,
      nsgIds,
      correlationId: caller.correlationId,
      claimedBy: held.claimedBy,
      leaseUntil: held.until,
      privateIps: read.nics.flatMap((nic) => nic.privateIps),
      osType: read.vm.osType,
      adminUsername: read.adminUsername,
    };
    const actor = actorOf(caller);
    const superseded = await deps.grants.insertOpening(record, supersede, (trx) =>
      recordAuditEvent(trx, {
        actor,
        action: "request.created",
        outcome: "success",
        vmId: record.vmId,
        details: grantAuditDetails(record, { endsAt: record.endsAt.toISOString(), opensToAnyAddress: fit.grant.opensToAnyAddress, supersedes: supersede }),
        correlationId: caller.correlationId,
      }).then(() => undefined),
    );
    audits.set(record.id, { actor, correlationId: caller.correlationId });
    try {
      const outcome = await opener.open({
        record,
        grant: plannerGrant(record, read.position, jitPolicy),
        superseded: superseded.map((r) => plannerGrant(r, read.position, jitPolicy)),
        nsgIds,
        deadline: Date.now() + timeoutMs,
      });
      if (outcome.ok) return toGrant({ ...record, status: "open", claimedBy: null, leaseUntil: null });
      const settled = leftNothing(outcome.error);
      const mapped = openError(outcome.error, settled);
      const message = errorText(mapped);
      try {
        await deps.grants.markOpenFailed(record.id, superseded.map((r) => r.id), message, settled, lease(), (trx) =>
          recordAuditEvent(trx, { actor, action: "request.failed", outcome: "failure", vmId: record.vmId, details: grantAuditDetails(record, { settled, ...errorDetails(mapped) }), error: message, correlationId: caller.correlationId }).then(() => undefined),
        );
      } catch (error) {
        // The row stays `opening` under its lease; the expiry job closes it when the lease ends.
        deps.logger.error({ err: error, grantId: record.id }, "could not record a failed grant; the expiry job closes it after its lease");
      }
      throw mapped;
    } finally {
      audits.delete(record.id);
    }
  }

  const actions = createGrantActions({ ...deps, lease, timeoutMs });

  return {
    create,
    ...actions,
    async list(query: { scope: "mine" | "all"; status: GrantListStatus; vmId?: string | undefined }, caller: Caller): Promise<Grant[]> {
      const records = await deps.grants.list({
        ...(query.scope === "mine" ? { requesterOid: caller.oid } : {}),
        ...(query.vmId === undefined ? {} : { vmId: query.vmId }),
        status: query.status,
        now: deps.clock.now(),
      });
      const visible = query.scope === "mine" ? records : records.filter((r) => r.requesterOid === caller.oid || caller.access.has("jit.request.revoke.any", r.vmId));
      return visible.map(toGrant);
    },
  };
}

export type RequestService = ReturnType<typeof createRequestService>;
