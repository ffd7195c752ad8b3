import { randomUUID } from "node:crypto";
import type { ApprovalSettings, RoleAssignment } from "@portcullis/contract";
import type { Kysely } from "kysely";
import { createAccessRequestRepository, type AccessRequestRecord } from "../approvals/repository.ts";
import { buildAccess, type Access } from "../lib/auth/access.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { GrantRecord } from "../requests/grant-record.ts";
import { toRow } from "../requests/grant-rows.ts";
import { storedGrant } from "./requests.ts";

/**
 * Test support for the list-authorization tests: more grants and access requests than the old caps (500 grants,
 * 1,000 pending requests), most of them outside the scoped callers' scopes and newer than the ones inside, written
 * straight into the tables. Returns the ids each caller must be able to page through.
 */

const prodSub = "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const devSub = "0c9d8e7f-6a5b-4c4d-9e3f-2a1b0c9d8e7f";
const rg = (name: string, sub = prodSub) => `/subscriptions/${sub}/resourceGroups/${name}`;
const vm = (scope: string, name: string) => `${scope}/providers/Microsoft.Compute/virtualMachines/${name}`;

/** Scopes as an admin would type them (mixed case); stored and compared lower-cased. */
export const listScopes = {
  webRg: rg("RG-Web"),
  /** Shares its first characters with webRg: must never be covered by it. */
  webRgTrap: rg("RG-Web-2"),
  devSubscription: `/subscriptions/${devSub}`,
  appVm: vm(rg("rg-app"), "vm-app-07"),
};

export interface ListUser {
  oid: string;
  name: string;
  username: string;
  groups: string[];
  assignments: Array<Pick<RoleAssignment, "role" | "scope">>;
}

/** A scoped Admin: the web resource group and the dev subscription. */
export const scopedAdmin: ListUser = {
  oid: "7a0c0000-0000-4000-8000-00000000a001",
  name: "Sam Scoped-Admin",
  username: "sam@contoso.test",
  groups: [],
  assignments: [
    { role: "Admin", scope: listScopes.webRg },
    { role: "Admin", scope: listScopes.devSubscription },
  ],
};

/** A scoped Approver: the web resource group and one VM; also a member of a group some rules name. */
export const scopedApprover: ListUser = {
  oid: "7a0c0000-0000-4000-8000-00000000a002",
  name: "Pat Scoped-Approver",
  username: "pat@contoso.test",
  groups: ["grp-pat-team"],
  assignments: [
    { role: "Approver", scope: listScopes.webRg },
    { role: "Approver", scope: listScopes.appVm },
  ],
};

/** The user's Access as the BFF builds it from their token and stored assignments. */
export function accessOf(user: ListUser): Access {
  const principal = { oid: user.oid, name: user.name, username: user.username, tenantId: "t", tenantRoles: [], ignoredRoles: [], groups: user.groups };
  return buildAccess(
    principal,
    user.assignments.map((a, i) => ({ id: `${user.oid}-${i}`, principalType: "user", principalId: user.oid, principalName: user.name, createdAt: "", createdBy: "seed", ...a })),
  );
}

export interface SeededLists {
  /** Grant ids the scoped admin must page through with `scope=all` (in their scopes, or their own), and their own. */
  grants: { adminAll: string[]; adminAllActive: string[]; adminMine: string[]; total: number };
  /** Access request ids each list must hold. */
  requests: { adminApprovals: string[]; approverApprovals: string[]; approverApprovalsPending: string[]; adminAll: string[]; approverMine: string[]; pending: number };
}

const minute = 60_000;
const roleHolders = (extra: Partial<ApprovalSettings["approvers"]> = {}): ApprovalSettings => ({
  requiredApprovals: 1,
  approvers: { roleHolders: true, users: [], groups: [], ...extra },
  allowSelfApproval: false,
  maxWait: "PT24H",
  clockStartsAt: "approval",
});

/** A stored access request on `vmId` (pending, role holders decide, by someone else) with what `overrides` changes. */
export function storedAccessRequest(vmId: string, createdAt: Date, overrides: Partial<AccessRequestRecord> = {}): AccessRequestRecord {
  return {
    id: randomUUID(),
    vmId: vmId.toLowerCase(),
    vmName: vmId.split("/").at(-1) ?? "vm",
    resourceGroup: vmId.split("/")[4] ?? "rg",
    subscriptionId: vmId.split("/")[2] ?? "",
    requesterOid: "oid-someone",
    requesterName: "Someone Else",
    requesterUsername: "someone@contoso.test",
    requesterIp: null,
    ports: [{ port: 22, protocol: "TCP" }],
    sourcePrefixes: ["198.51.100.7/32"],
    durationMinutes: 60,
    justification: "seeded",
    status: "pending",
    approval: roleHolders(),
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 24 * 60 * minute),
    decidedAt: null,
    breakGlass: false,
    review: null,
    grantId: null,
    error: null,
    correlationId: null,
    decisions: [],
    ...overrides,
  };
}

/** Everything created before `now`: the in-scope rows hours old, the out-of-scope noise within the last hour. */
export async function seedLists(db: Kysely<DatabaseSchema>, now: Date): Promise<SeededLists> {
  const older = (i: number) => new Date(now.getTime() - 5 * 60 * minute - Math.floor(i / 2) * minute); // pairs share a time
  const newer = (i: number) => new Date(now.getTime() - 60 * minute + i * 1000);
  const ids = (records: ReadonlyArray<{ id: string }>) => records.map((r) => r.id);

  // Grants: 40 in the admin's scopes, 10 in the look-alike resource group, 560 newer elsewhere, 5 of the admin's own elsewhere.
  const grant = (vmId: string, createdAt: Date, i: number, overrides: Partial<GrantRecord> = {}) =>
    storedGrant(`oid-requester-${i % 3}`, {
      vmId: vmId.toLowerCase(),
      vmName: vmId.split("/").at(-1) ?? "vm",
      createdAt,
      startsAt: createdAt,
      endsAt: new Date(createdAt.getTime() + 60 * minute),
      ...(i % 2 === 0 ? {} : { status: "closed" as const, closedAt: new Date(createdAt.getTime() + minute) }),
      ...overrides,
    });
  const inScopeGrants = Array.from({ length: 40 }, (_, i) => grant(i < 25 ? vm(listScopes.webRg, `vm-web-${i % 4}`) : vm(rg("rg-dev-apps", devSub), `vm-dev-${i % 3}`), older(i), i));
  const trapGrants = Array.from({ length: 10 }, (_, i) => grant(vm(listScopes.webRgTrap, `vm-web-${i % 4}`), older(i), i));
  const noiseGrants = Array.from({ length: 560 }, (_, i) => grant(vm(rg(`rg-noise-${i % 7}`), `vm-noise-${i % 11}`), newer(i), i));
  const ownGrants = Array.from({ length: 5 }, (_, i) => grant(vm(rg("rg-noise-0"), "vm-noise-0"), newer(600 + i), i, { requesterOid: scopedAdmin.oid, requesterName: scopedAdmin.name }));
  const grants = [...inScopeGrants, ...trapGrants, ...noiseGrants, ...ownGrants];
  for (let i = 0; i < grants.length; i += 200) await db.insertInto("jit_grant").values(grants.slice(i, i + 200).map(toRow)).execute();

  // Access requests: 1,000 newer pending requests outside both callers' scopes, and older ones that test each rule.
  const web = (i: number) => vm(listScopes.webRg, `vm-web-${i % 4}`);
  const noise = (i: number) => vm(rg(`rg-noise-${i % 7}`), `vm-noise-${i % 11}`);
  const inScope = Array.from({ length: 30 }, (_, i) => storedAccessRequest(web(i), older(i)));
  const namedByOid = Array.from({ length: 5 }, (_, i) => storedAccessRequest(noise(i), older(40 + i), { approval: roleHolders({ roleHolders: false, users: [scopedApprover.oid] }) }));
  // A user name stored by an older version names nobody now: approvals match object ids only.
  const namedByUsername = Array.from({ length: 3 }, (_, i) => storedAccessRequest(noise(i), older(50 + i), { approval: roleHolders({ roleHolders: false, users: [scopedApprover.username.toUpperCase()] }) }));
  const namedByGroup = Array.from({ length: 3 }, (_, i) => storedAccessRequest(noise(i), older(60 + i), { approval: roleHolders({ roleHolders: false, groups: ["GRP-PAT-TEAM"] }) }));
  const onApproverVm = Array.from({ length: 4 }, (_, i) => storedAccessRequest(listScopes.appVm, older(70 + i)));
  const decidedByApprover = Array.from({ length: 2 }, (_, i) => storedAccessRequest(web(i), older(80 + i), { approval: { ...roleHolders(), requiredApprovals: 2 } }));
  const approversOwn = Array.from({ length: 2 }, (_, i) =>
    storedAccessRequest(web(i), older(90 + i), { requesterOid: scopedApprover.oid, requesterName: scopedApprover.name, requesterUsername: scopedApprover.username }),
  );
  const lapsedByTime = Array.from({ length: 2 }, (_, i) => storedAccessRequest(web(i), older(100 + i), { expiresAt: new Date(now.getTime() - minute) }));
  const breakGlass = Array.from({ length: 2 }, (_, i) => storedAccessRequest(web(i), older(110 + i), { status: "opened", breakGlass: true, decidedAt: older(110 + i) }));
  const breakGlassElsewhere = Array.from({ length: 2 }, (_, i) => storedAccessRequest(noise(i), older(120 + i), { status: "opened", breakGlass: true }));
  const trap = Array.from({ length: 3 }, (_, i) => storedAccessRequest(vm(listScopes.webRgTrap, `vm-web-${i}`), older(130 + i)));
  const noiseRequests = Array.from({ length: 1000 }, (_, i) => storedAccessRequest(noise(i), newer(i)));
  const requests = [...inScope, ...namedByOid, ...namedByUsername, ...namedByGroup, ...onApproverVm, ...decidedByApprover, ...approversOwn, ...lapsedByTime, ...breakGlass, ...breakGlassElsewhere, ...trap, ...noiseRequests];
  const repository = createAccessRequestRepository(db);
  await db.transaction().execute(async (trx) => {
    for (const record of requests) await repository.insert(record, trx);
    for (const record of decidedByApprover) {
      await repository.insertDecision(trx, record.id, { approverOid: scopedApprover.oid, approverName: scopedApprover.name, decision: "approve", comment: null, at: record.createdAt });
    }
  });

  return {
    grants: {
      adminAll: ids([...inScopeGrants, ...ownGrants]),
      adminAllActive: ids([...inScopeGrants, ...ownGrants].filter((g) => g.status === "open")),
      adminMine: ids(ownGrants),
      total: grants.length,
    },
    requests: {
      adminApprovals: ids([...inScope, ...decidedByApprover, ...approversOwn, ...breakGlass]),
      approverApprovals: ids([...inScope, ...namedByOid, ...namedByGroup, ...onApproverVm, ...breakGlass]),
      approverApprovalsPending: ids([...inScope, ...namedByOid, ...namedByGroup, ...onApproverVm]),
      adminAll: ids([...inScope, ...decidedByApprover, ...approversOwn, ...lapsedByTime, ...breakGlass]),
      approverMine: ids(approversOwn),
      pending: requests.filter((r) => r.status === "pending").length,
    },
  };
}
