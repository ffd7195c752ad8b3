import { planExpire, planGrant } from "@portcullis/core";
import type { Grant, JitPolicy, Nsg, PlanResult, VmPosition } from "@portcullis/core";
import type { NsgPlanSource } from "../lib/azure/nsg-apply.ts";
import { composePlans } from "../policies/plan-sources.ts";
import type { GrantRecord } from "./grant-record.ts";

const nothing = (nsgs: readonly Nsg[]): PlanResult => ({ ok: true, changes: [], unchanged: nsgs.map((n) => n.id) });

/** A stored grant as the planner's grant, on the VM's position now and under its policy now. */
export function plannerGrant(record: Pick<GrantRecord, "id" | "sourcePrefixes" | "ports" | "endsAt">, vm: VmPosition, policy: JitPolicy, endsAt: Date = record.endsAt): Grant {
  return { id: record.id, vm, policy, sourcePrefixes: [...record.sourcePrefixes], ports: record.ports.map((p) => ({ ...p })), endsAt };
}

/**
 * Opening grants, with the grants they supersede removed in the same write. Undo (a rollback) removes the
 * new grants' rules and puts the superseded grants' rules back.
 */
export function openSource(grants: readonly Grant[], superseded: readonly Grant[]): NsgPlanSource {
  const newIds = grants.map((g) => g.id);
  return {
    plan: (nsgs) => planGrant({ grants: [...grants], supersedes: superseded.map((g) => g.id), nsgs: [...nsgs] }),
    undo: (nsgs) =>
      composePlans(
        nsgs,
        (n) => planExpire({ grantIds: newIds, nsgs: [...n] }),
        (n) => (superseded.length === 0 ? nothing(n) : planGrant({ grants: [...superseded], nsgs: [...n] })),
      ),
  };
}

/** Closing grants: their Allow rules go. Nothing to undo: a rule removed is never put back. */
export function closeSource(grantIds: readonly string[]): NsgPlanSource {
  return { plan: (nsgs) => planExpire({ grantIds: [...grantIds], nsgs: [...nsgs] }), undo: nothing };
}

/** Extending: the grant's Allow rules are rewritten with the new end; undo writes the old end back. */
export function extendSource(extended: Grant, previous: Grant): NsgPlanSource {
  return {
    plan: (nsgs) => planGrant({ grants: [extended], nsgs: [...nsgs] }),
    undo: (nsgs) => planGrant({ grants: [previous], nsgs: [...nsgs] }),
  };
}
