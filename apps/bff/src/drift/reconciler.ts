import { armIdKey, findAllowRules, parseJitRuleName, planEdit, vmHash } from "@portcullis/core";
import type { Nsg, PlanResult } from "@portcullis/core";
import type { Kysely } from "kysely";
import type { AuditEventInput, AuditRecorder } from "../lib/audit/audit-events.ts";
import { createNsgApplier, type AppliedNsgChanges, type NsgPlanSource, type NsgRetrySettings } from "../lib/azure/nsg-apply.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import { ArmNotFoundError, readNsg } from "../lib/azure/nsg-read.ts";
import { listJitNsgs } from "../lib/azure/read-estate.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { NsgLockManager } from "../lib/locks/nsg-locks.ts";
import type { Logger } from "../lib/logger.ts";
import { displayVmId, toJitPolicy } from "../policies/policy-mapping.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { positionNsgIds, readVmPositions } from "../lib/azure/vm-positions.ts";
import { closeSource } from "../requests/grant-plans.ts";
import type { GrantRepository } from "../requests/repository.ts";
import type { Clock } from "../lib/time/clock.ts";
import { findDrift, type DriftTarget } from "./drift.ts";
import type { DriftRepository } from "./drift-repository.ts";
import { schedulerActor } from "../scheduler/expiry-job.ts";

export interface ReconcilerDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  policies: PolicyRepository;
  grants: GrantRepository;
  drift: DriftRepository;
  arm: ArmClients;
  locks: NsgLockManager;
  clock: Clock;
  logger: Logger;
  /** Put Portcullis's own rules back when they drifted (RECONCILE_REPAIR); drift is reported either way. */
  repair: boolean;
  retry?: Partial<NsgRetrySettings>;
  operationTimeoutMs?: number;
  nsgsChanged?(nsgs: readonly Nsg[]): Promise<void>;
  /** The managed subscriptions (AZURE_SUBSCRIPTION_IDS); undefined: every one the credential sees. */
  subscriptionIds?: readonly string[];
}

export interface ReconcileReport {
  nsgsChecked: number;
  /** NSGs found in ARM holding a Portcullis rule (whether or not the database knows them). */
  nsgsDiscovered: number;
  /** Portcullis Deny rules of VMs with no stored policy (reported, left in place). */
  orphanDenyRules: string[];
  /** Expired Allow rules no open grant accounts for, removed. */
  expiredRulesRemoved: string[];
  /** VMs (lower-cased ids) with drift after this run. */
  driftedVms: string[];
  repairedVms: string[];
}

const activeStatuses = new Set(["opening", "open", "closing"]);
const endedStatuses = new Set(["closed", "failed"]);
const nothing = (nsgs: readonly Nsg[]): PlanResult => ({ ok: true, changes: [], unchanged: nsgs.map((n) => n.id) });

/**
 * Compares the NSGs with what they should hold. It removes every Portcullis Allow rule whose description says it
 * has expired and that no live grant row owns, in every NSG ARM lists with a Portcullis rule (so expiry holds even
 * if the database lost its rows, or is a fresh one), reports drift per VM (audit `drift.found`, the inventory row),
 * and with `repair` rewrites Portcullis's own rules (`drift.repaired`).
 */
export function createReconciler(deps: ReconcilerDeps) {
  const applier = createNsgApplier({ clients: deps.arm, logger: deps.logger, ...(deps.retry === undefined ? {} : { retry: deps.retry }) });
  const timeoutMs = deps.operationTimeoutMs ?? 120_000;

  async function underLocks(nsgIds: readonly string[], deadline: number, work: () => Promise<AppliedNsgChanges>, claimVms: readonly string[] = []): Promise<AppliedNsgChanges | null> {
    const session = await deps.locks.open();
    try {
      // A policy being changed now is left to that change; the next run looks again.
      if (claimVms.length > 0 && (await session.tryClaimVms(claimVms)).length > 0) return null;
      await session.lockNsgs(nsgIds, deadline);
      const applied = await work();
      if (deps.nsgsChanged !== undefined && applied.written.length > 0) await deps.nsgsChanged(applied.written.map((w) => w.after)).catch(() => undefined);
      return applied;
    } finally {
      await session.release();
    }
  }


  /** NSGs by id, read now; those gone are left out. */
  async function readAll(nsgIds: readonly string[], signal?: AbortSignal): Promise<Nsg[]> {
    const nsgs: Nsg[] = [];
    for (const id of nsgIds) {
      try {
        nsgs.push((await readNsg(deps.arm, id, signal)).nsg);
      } catch (error) {
        if (!(error instanceof ArmNotFoundError)) throw error;
      }
    }
    return nsgs;
  }

  /**
   * Removes, from each NSG as listed, the Portcullis Allow rules that no live grant row owns: those whose
   * description says they expired, and (whatever their end) those whose grant has ended (closed or failed: a write
   * that landed after its grant was given up). The expiry job audits rules of live rows. One write per NSG, under
   * its lock, re-read with its ETag.
   */
  async function removeExpired(nsgs: readonly Nsg[], now: Date, deadline: number): Promise<string[]> {
    const removed: string[] = [];
    for (const nsg of nsgs) {
      const rules = findAllowRules(nsg);
      if (rules.length === 0) continue;
      const statuses = await deps.grants.statusOf([...new Set(rules.map((e) => e.grantId))]);
      const stray = rules.filter((e) => {
        const status = statuses.get(e.grantId) ?? "unknown";
        // A grant row that is still live belongs to the expiry job, which audits its close.
        if (activeStatuses.has(status)) return false;
        return e.expiresAt.getTime() <= now.getTime() || endedStatuses.has(status);
      });
      if (stray.length === 0) continue;
      const grantIds = [...new Set(stray.map((e) => e.grantId))];
      const applied = await underLocks([nsg.id], deadline, () => applier.apply({ required: [], optional: [nsg.id], source: closeSource(grantIds), deadline }));
      const names = stray.map((e) => e.ruleName);
      removed.push(...names);
      const allExpired = stray.every((e) => e.expiresAt.getTime() <= now.getTime());
      const details = { nsgId: nsg.id, nsgName: nsg.name, rules: names, grantIds, expiredAt: stray.map((e) => e.expiresAt.toISOString()), written: (applied?.written.length ?? 0) > 0 };
      const kind = allExpired ? "expired-allow-rules" : "allow-rules-of-ended-grants";
      const event = (action: "drift.found" | "drift.repaired"): AuditEventInput => ({ actor: schedulerActor, action, outcome: "success", details: { kind, ...details } });
      await deps.audit.recordAll(deps.db, [event("drift.found"), event("drift.repaired")]);
      deps.logger.warn(details, "removed expired Allow rules that no open grant accounts for");
    }
    return removed;
  }

  /**
   * Every NSG holding a Portcullis rule, from ARM (so a fresh or restored database, which knows no policy or grant,
   * still has its expired rules removed), with the NSGs of stored policies added. A failed listing is logged and the
   * stored NSGs are still checked.
   */
  async function nsgsToCheck(protectedNsgs: readonly string[], signal: AbortSignal): Promise<{ nsgs: Nsg[]; discovered: number }> {
    let discovered: Nsg[] = [];
    try {
      discovered = await listJitNsgs(deps.arm, deps.subscriptionIds, deps.logger, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      deps.logger.warn({ err: error }, "listing NSGs in ARM failed; only the NSGs of stored policies are checked this run");
    }
    const known = new Set(discovered.map((n) => armIdKey(n.id)));
    const more = await readAll(protectedNsgs.filter((id) => !known.has(armIdKey(id))), signal);
    return { nsgs: [...discovered, ...more], discovered: discovered.length };
  }

  async function repair(targets: readonly DriftTarget[], deadline: number): Promise<string[]> {
    const vmIds = targets.map((t) => t.position.vmId);
    const fresh = await deps.policies.getMany(vmIds);
    // Plan with the policies as stored now (one may have changed since the check), for VMs that still have one.
    const current = targets.flatMap((t) => {
      const record = fresh.get(armIdKey(t.position.vmId));
      return record === undefined ? [] : [{ position: t.position, policy: toJitPolicy(record.ports) }];
    });
    if (current.length === 0) return [];
    const nsgIds = [...new Map(current.flatMap((t) => t.position.nics.flatMap((n) => [n.nsgId, n.subnetNsgId])).filter((id): id is string => id !== null).map((id) => [armIdKey(id), id])).values()];
    const source: NsgPlanSource = { plan: (nsgs) => planEdit({ vms: [...current], nsgs: [...nsgs] }), undo: nothing };
    const applied = await underLocks(nsgIds, deadline, () => applier.apply({ required: nsgIds, optional: [], source, deadline }), current.map((t) => t.position.vmId));
    if (applied === null) return [];
    const written = applied.written.map((w) => w.nsgName);
    await deps.audit.recordAll(
      deps.db,
      current.map((t): AuditEventInput => ({ actor: schedulerActor, action: "drift.repaired" as const, outcome: "success" as const, vmId: t.position.vmId, details: { kind: "policy-rules", vmName: t.position.vmName, nsgs: written } })),
    );
    return current.map((t) => armIdKey(t.position.vmId));
  }

  async function store(byVm: ReadonlyMap<string, string[]>, names: ReadonlyMap<string, string>, now: Date): Promise<string[]> {
    const stored = await deps.drift.forVms();
    const drifted: string[] = [];
    const events: AuditEventInput[] = [];
    for (const [vmKey, findings] of byVm) {
      if (findings.length === 0) continue;
      drifted.push(vmKey);
      const before = stored.get(vmKey);
      if (before !== undefined && before.findings.join("\n") === findings.join("\n")) continue;
      await deps.drift.set(vmKey, { detectedAt: now, findings });
      events.push({ actor: schedulerActor, action: "drift.found", outcome: "success", vmId: vmKey, details: { kind: "policy-rules", vmName: names.get(vmKey) ?? null, findings } });
    }
    await deps.drift.clear([...stored.keys()].filter((vmKey) => !drifted.includes(vmKey)));
    await deps.audit.recordAll(deps.db, events);
    return drifted;
  }

  /** Deny rules without a stored policy last reported, so each change is audited once (per process). */
  let lastOrphans = "";

  /**
   * Portcullis Deny rules for VMs that have no stored policy (an enable that crashed between its write and its
   * commit, or a database that lost its rows) are reported as drift (`deny-without-policy`), not removed: removing
   * a Deny re-opens a management port, so an admin decides (Enable JIT adopts the VM again, Remove cleans it).
   */
  async function reportOrphanDenies(nsgs: readonly Nsg[], stored: ReadonlySet<string>): Promise<string[]> {
    const orphans = nsgs.flatMap((nsg) =>
      nsg.rules.flatMap((rule) => {
        const parsed = parseJitRuleName(rule.name);
        return parsed?.kind === "deny" && !stored.has(parsed.vmHash) ? [{ nsgId: nsg.id, nsgName: nsg.name, rule: rule.name }] : [];
      }),
    );
    const key = orphans.map((o) => `${o.nsgId}/${o.rule}`).sort().join("\n");
    if (key !== lastOrphans && orphans.length > 0) {
      await deps.audit.record(deps.db, { actor: schedulerActor, action: "drift.found", outcome: "success", details: { kind: "deny-without-policy", rules: orphans } });
      deps.logger.warn({ orphans }, "Portcullis Deny rules found for VMs with no stored policy");
    }
    lastOrphans = key;
    return orphans.map((o) => o.rule);
  }

  return {
    /**
     * Only the part that must happen before the API serves (after a restart or on a fresh database): expired
     * Portcullis Allow rules in every NSG ARM lists with one, removed. Drift is left to `run`.
     */
    async removeExpiredEverywhere(): Promise<{ nsgsChecked: number; expiredRulesRemoved: string[] }> {
      const now = deps.clock.now();
      const deadline = Date.now() + timeoutMs;
      const records = await deps.policies.list();
      const protectedNsgs = [...new Map(records.flatMap((r) => r.nsgIds).map((id) => [armIdKey(id), id])).values()];
      // Bounded as a whole (reads included): the start-up waits no longer than this before the expiry sweep.
      const checked = await nsgsToCheck(protectedNsgs, AbortSignal.timeout(timeoutMs));
      return { nsgsChecked: checked.nsgs.length, expiredRulesRemoved: await removeExpired(checked.nsgs, now, deadline) };
    },

    async run(): Promise<ReconcileReport> {
      const now = deps.clock.now();
      const deadline = Date.now() + timeoutMs;
      const records = await deps.policies.list();
      const protectedNsgs = [...new Map(records.flatMap((r) => r.nsgIds).map((id) => [armIdKey(id), id])).values()];
      const checked = await nsgsToCheck(protectedNsgs, AbortSignal.timeout(timeoutMs));
      const expiredRulesRemoved = await removeExpired(checked.nsgs, now, deadline);
      const orphanDenyRules = await reportOrphanDenies(checked.nsgs, new Set(records.map((r) => vmHash(r.vmId))));

      const positions = await readVmPositions(deps.arm, records.map(displayVmId), "skip");
      const targets: DriftTarget[] = records.flatMap((r) => {
        const read = positions.get(r.vmId);
        return read === undefined ? [] : [{ position: read.position, policy: toJitPolicy(r.ports) }];
      });
      const nsgIds = [...new Map([...positions.values()].flatMap(positionNsgIds).map((id) => [armIdKey(id), id])).values()];
      let report = findDrift(targets, await readAll(nsgIds));
      let repairedVms: string[] = [];
      const drifted = targets.filter((t) => (report.byVm.get(armIdKey(t.position.vmId)) ?? []).length > 0);
      if (deps.repair && drifted.length > 0) {
        repairedVms = await repair(drifted, deadline);
        if (repairedVms.length > 0) report = findDrift(targets, await readAll(nsgIds));
      }
      const driftedVms = await store(report.byVm, new Map(targets.map((t) => [armIdKey(t.position.vmId), t.position.vmName])), now);
      if (driftedVms.length > 0 || expiredRulesRemoved.length > 0) deps.logger.warn({ driftedVms, expiredRulesRemoved, repairedVms }, "reconciler found drift");
      return { nsgsChecked: new Set([...checked.nsgs.map((n) => n.id), ...nsgIds].map(armIdKey)).size, nsgsDiscovered: checked.discovered, expiredRulesRemoved, orphanDenyRules, driftedVms, repairedVms };
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
