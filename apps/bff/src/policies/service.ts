import type { ApprovalSettings, EventDetailsInput, JustificationRule, PolicyPlanResponse, PolicyPort, PutPoliciesResponse, RemovePoliciesResponse } from "@portcullis/contract";
import type { Nsg, VmPolicyTarget } from "@portcullis/core";
import type { Kysely } from "kysely";
import { auditEvent, type AuditActor, type AuditEventInput, type AuditRecorder } from "../lib/audit/audit-events.ts";
import { createNsgApplier, type AppliedNsgChanges, type NsgRetrySettings } from "../lib/azure/nsg-apply.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import type { VmNetworkRead } from "../lib/azure/nsg-read.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { ConflictError, NotFoundError } from "../lib/errors.ts";
import type { NsgLockManager } from "../lib/locks/nsg-locks.ts";
import type { Logger } from "../lib/logger.ts";
import { busyVmError, policyOperationError } from "./errors.ts";
import { flushForPut, flushForRemove, recordedPrevious } from "./flush-settings.ts";
import { withFlushConnection } from "./flush-connection.ts";
import { enableSource, removeSource } from "./plan-sources.ts";
import { samePorts, toChangeSummary, toJitPolicy, toPolicy, touchesVm, vmHashesTouched, type HistoricalRequestPart, type PolicyRecord } from "./policy-mapping.ts";
import type { PolicyRepository, PolicyWrite } from "./repository.ts";
import { positionNsgIds, readVmPositions } from "../lib/azure/vm-positions.ts";

/** One VM and the rules it should have. */
export interface PolicyTarget {
  vmId: string;
  ports: PolicyPort[];
  /** Absent keeps the stored value (false for a new policy). */
  justificationRequired?: boolean;
  /** The justification rule: an object sets it, null removes it, absent keeps the stored value. */
  justificationRule?: JustificationRule | null;
  /** The approval rule: an object sets it, null removes it, absent keeps the stored value. */
  approval?: ApprovalSettings | null;
  /** Break-glass allowed; absent keeps the stored value. */
  breakGlass?: boolean;
  /** End live sessions (set the NSGs' flushConnection); absent keeps the stored value. */
  endLiveSessions?: boolean;
  /** Request history imported from Defender: replaces the stored one; absent keeps it. */
  requestHistory?: HistoricalRequestPart[];
}

/** Who asks and which request it is, for the records and the audit trail. */
export interface OperationContext {
  actor: AuditActor;
  correlationId: string | null;
}

/** What the inventory offers to show a change without another full ARM pass. */
export interface InventoryHooks {
  policiesChanged(): Promise<void>;
  nsgsChanged?(nsgs: readonly Nsg[]): Promise<void>;
}

export interface PolicyServiceDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  repository: PolicyRepository;
  arm: ArmClients;
  locks: NsgLockManager;
  inventory: InventoryHooks;
  logger: Logger;
  /** Whole operation, lock waits and retries included; default 120 s. */
  operationTimeoutMs?: number;
  retry?: Partial<NsgRetrySettings>;
}

export interface PolicyService {
  list(): Promise<PolicyRecord[]>;
  get(vmId: string): Promise<PolicyRecord | null>;
  /** Plans without writing anything. */
  preview(targets: readonly PolicyTarget[]): Promise<PolicyPlanResponse>;
  /** Enables or edits; `kind` picks the audit action (import vs. put). */
  put(targets: readonly PolicyTarget[], options: { expectedVersions?: Record<string, number>; kind: "put" | "import"; context: OperationContext }): Promise<PutPoliciesResponse>;
  remove(vmIds: readonly string[], context: OperationContext): Promise<RemovePoliciesResponse>;
}

const defaultTimeoutMs = 120_000;

function targetsWithPositions(targets: readonly PolicyTarget[], positions: ReadonlyMap<string, VmNetworkRead>): VmPolicyTarget[] {
  return targets.flatMap((t) => {
    const read = positions.get(t.vmId.toLowerCase());
    return read === undefined ? [] : [{ position: read.position, policy: toJitPolicy(t.ports) }];
  });
}

function previousTargets(records: ReadonlyMap<string, PolicyRecord>, positions: ReadonlyMap<string, VmNetworkRead>): VmPolicyTarget[] {
  return [...records.values()].flatMap((record) => {
    const read = positions.get(record.vmId);
    return read === undefined ? [] : [{ position: read.position, policy: toJitPolicy(record.ports) }];
  });
}

function checkVersions(expected: Record<string, number> | undefined, records: ReadonlyMap<string, PolicyRecord>): void {
  if (expected === undefined) return;
  const stale = Object.entries(expected).flatMap(([vmId, version]) => {
    const actual = records.get(vmId.toLowerCase())?.version ?? null;
    return actual === version ? [] : [{ vmId, expected: version, actual }];
  });
  if (stale.length > 0) {
    const list = stale.map((s) => `${s.vmId} (you edited version ${s.expected}, it is now ${s.actual ?? "removed"})`).join(", ");
    throw new ConflictError(`The policy changed since you loaded it: ${list}. Reload and try again.`, { details: { reason: "version", stale } });
  }
}

function writtenNsgIds(applied: AppliedNsgChanges): string[] {
  return applied.written.map((w) => w.nsgId);
}

type PolicyAction = "policy.enabled" | "policy.edited" | "policy.removed" | "policy.imported";

export function createPolicyService(deps: PolicyServiceDeps): PolicyService {
  const applier = createNsgApplier({ clients: deps.arm, logger: deps.logger, ...(deps.retry === undefined ? {} : { retry: deps.retry }) });
  const timeoutMs = deps.operationTimeoutMs ?? defaultTimeoutMs;

  function auditEvents(context: OperationContext, vmIds: readonly string[], action: (vmId: string) => PolicyAction, outcome: "success" | "failure", details: (vmId: string) => EventDetailsInput<PolicyAction>, error: string | null = null): AuditEventInput[] {
    return vmIds.map((vmId) => auditEvent({ actor: context.actor, outcome, vmId, error, correlationId: context.correlationId }, action(vmId), details(vmId)));
  }

  async function recordFailure(events: AuditEventInput[]): Promise<void> {
    try {
      await deps.audit.recordAll(deps.db, events);
    } catch (error) {
      deps.logger.error({ err: error, events: events.length }, "could not record the audit events of a failed policy operation");
    }
  }

  async function afterChange(applied: AppliedNsgChanges): Promise<void> {
    try {
      if (deps.inventory.nsgsChanged !== undefined) await deps.inventory.nsgsChanged(applied.written.map((w) => w.after));
      await deps.inventory.policiesChanged();
    } catch (error) {
      deps.logger.warn({ err: error }, "the inventory could not be updated after a policy change; it catches up at its next refresh");
    }
  }

  /** Claims the VMs (409 at once if another operation has one), runs `work`, always lets go. */
  async function underClaims<T>(vmIds: readonly string[], work: (session: Awaited<ReturnType<NsgLockManager["open"]>>) => Promise<T>): Promise<T> {
    const session = await deps.locks.open();
    try {
      const busy = await session.tryClaimVms(vmIds);
      if (busy.length > 0) throw busyVmError(vmIds.filter((id) => busy.includes(id.toLowerCase())));
      return await work(session);
    } finally {
      await session.release();
    }
  }

  return {
    list: () => deps.repository.list(),
    get: (vmId) => deps.repository.get(vmId),

    async preview(targets) {
      try {
        const vmIds = targets.map((t) => t.vmId);
        const [records, positions] = await Promise.all([deps.repository.getMany(vmIds), readVmPositions(deps.arm, vmIds, "throw")]);
        const required = [...positions.values()].flatMap(positionNsgIds);
        const optional = [...records.values()].flatMap((r) => r.nsgIds);
        const source = enableSource(targetsWithPositions(targets, positions), previousTargets(records, positions));
        const plan = await applier.preview(required, optional, source);
        const touched = vmHashesTouched(plan.changes);
        const unchangedVmIds = targets
          .filter((t) => !touchesVm(touched, t.vmId) && samePorts(records.get(t.vmId.toLowerCase())?.ports ?? [], t.ports))
          .map((t) => t.vmId);
        return { nsgs: plan.changes.map(toChangeSummary), unchangedVmIds };
      } catch (error) {
        throw policyOperationError(error, "Nothing was written.");
      }
    },

    async put(targets, { expectedVersions, kind, context }) {
      const vmIds = targets.map((t) => t.vmId);
      let records = new Map<string, PolicyRecord>();
      const actionFor = (vmId: string): PolicyAction => (kind === "import" ? "policy.imported" : records.has(vmId.toLowerCase()) ? "policy.edited" : "policy.enabled");
      const portsOf = new Map(targets.map((t) => [t.vmId.toLowerCase(), t.ports]));
      try {
        return await underClaims(vmIds, async (session) => {
          const deadline = Date.now() + timeoutMs;
          records = await deps.repository.getMany(vmIds);
          checkVersions(expectedVersions, records);
          const positions = await readVmPositions(deps.arm, vmIds, "throw");
          const required = [...positions.values()].flatMap(positionNsgIds);
          const optional = [...records.values()].flatMap((r) => r.nsgIds);
          await session.lockNsgs([...required, ...optional], deadline);
          let saved: PolicyRecord[] = [];
          const others = (await deps.repository.list()).filter((r) => !records.has(r.vmId));
          const flush = flushForPut(targets, records, positions, others);
          const source = withFlushConnection(enableSource(targetsWithPositions(targets, positions), previousTargets(records, positions)), flush.wanted);
          const applied = await applier.apply({
            required,
            optional,
            source,
            deadline,
            commit: async (result) => {
              const writes: PolicyWrite[] = targets.map((t) => {
                const read = positions.get(t.vmId.toLowerCase()) as VmNetworkRead;
                const flushPrevious = recordedPrevious(t, records.get(t.vmId.toLowerCase()), read, source.previous, others);
                return {
                  ...(flushPrevious === undefined ? {} : { flushPrevious }),
                  ...(t.endLiveSessions === undefined ? {} : { endLiveSessions: t.endLiveSessions }),
                  vmId: read.vm.id,
                  subscriptionId: read.vm.subscriptionId,
                  resourceGroup: read.vm.resourceGroup,
                  vmName: read.vm.name,
                  location: read.vm.location,
                  ports: t.ports,
                  nsgIds: positionNsgIds(read),
                  ...(t.justificationRequired === undefined ? {} : { justificationRequired: t.justificationRequired }),
                  ...(t.justificationRule === undefined ? {} : { justificationRule: t.justificationRule }),
                  ...(t.approval === undefined ? {} : { approval: t.approval }),
                  ...(t.breakGlass === undefined ? {} : { breakGlass: t.breakGlass }),
                  ...(t.requestHistory === undefined ? {} : { requestHistory: t.requestHistory }),
                };
              });
              saved = await deps.repository.save(writes, context.actor.name, (trx) =>
                deps.audit.recordAll(
                  trx,
                  auditEvents(context, vmIds, actionFor, "success", (vmId) => {
                    const before = records.get(vmId.toLowerCase());
                    const target = targets.find((t) => t.vmId.toLowerCase() === vmId.toLowerCase());
                    return {
                      ports: portsOf.get(vmId.toLowerCase()),
                      ...(before === undefined ? {} : { previousPorts: before.ports, previousVersion: before.version }),
                      ...(target?.approval === undefined ? {} : { approval: target.approval }),
                      ...(target?.justificationRequired === undefined ? {} : { justificationRequired: target.justificationRequired }),
                      ...(target?.justificationRule === undefined ? {} : { justificationRule: target.justificationRule }),
                      ...(target?.breakGlass === undefined ? {} : { breakGlass: target.breakGlass }),
                      nsgIds: writtenNsgIds(result),
                    };
                  }),
                ).then(() => undefined),
              );
            },
          });
          await session.releaseNsgs();
          await afterChange(applied);
          return { policies: saved.map(toPolicy), nsgs: applied.written.map((w) => toChangeSummary(w.change)) };
        });
      } catch (error) {
        const mapped = policyOperationError(error);
        const message = mapped instanceof Error ? mapped.message : String(mapped);
        await recordFailure(auditEvents(context, vmIds, actionFor, "failure", (vmId) => ({ ports: portsOf.get(vmId.toLowerCase()), ...errorDetails(mapped) }), message));
        throw mapped;
      }
    },

    async remove(vmIds, context) {
      let records = new Map<string, PolicyRecord>();
      try {
        return await underClaims(vmIds, async (session) => {
          const deadline = Date.now() + timeoutMs;
          records = await deps.repository.getMany(vmIds);
          const missing = vmIds.filter((id) => !records.has(id.toLowerCase()));
          if (missing.length > 0) throw new NotFoundError(`No JIT policy for ${missing.join(", ")}`, { details: { vmIds: missing } });
          // A VM deleted since keeps its stored NSGs: its rules there are still removed.
          const positions = await readVmPositions(deps.arm, vmIds, "skip");
          const nsgIds = [...[...records.values()].flatMap((r) => r.nsgIds), ...[...positions.values()].flatMap(positionNsgIds)];
          await session.lockNsgs(nsgIds, deadline);
          const others = (await deps.repository.list()).filter((r) => !records.has(r.vmId));
          const applied = await applier.apply({
            required: [],
            optional: nsgIds,
            source: withFlushConnection(removeSource(vmIds, previousTargets(records, positions)), flushForRemove(records, others)),
            deadline,
            commit: async (result) => {
              await deps.repository.delete(vmIds, (trx) =>
                deps.audit.recordAll(
                  trx,
                  auditEvents(context, vmIds, () => "policy.removed", "success", (vmId) => {
                    const before = records.get(vmId.toLowerCase()) as PolicyRecord;
                    return { previousPorts: before.ports, previousVersion: before.version, nsgIds: writtenNsgIds(result) };
                  }),
                ).then(() => undefined),
              );
            },
          });
          await session.releaseNsgs();
          await afterChange(applied);
          return { removedVmIds: [...records.values()].map((r) => toPolicy(r).vmId), nsgs: applied.written.map((w) => toChangeSummary(w.change)) };
        });
      } catch (error) {
        const mapped = policyOperationError(error, "The policies were kept.");
        const message = mapped instanceof Error ? mapped.message : String(mapped);
        await recordFailure(auditEvents(context, vmIds, () => "policy.removed", "failure", () => errorDetails(mapped), message));
        throw mapped;
      }
    },
  };
}

function errorDetails(error: unknown): Record<string, unknown> {
  if (typeof error === "object" && error !== null && "status" in error && "code" in error) {
    const { status, code, details } = error as { status: unknown; code: unknown; details?: unknown };
    return { status, code, ...(details === undefined ? {} : { errorDetails: details }) };
  }
  return { status: 500 };
}

