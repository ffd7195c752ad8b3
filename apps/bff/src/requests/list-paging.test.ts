import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessRequestRepository } from "../approvals/repository.ts";
import type { AccessRequestListFilter } from "../approvals/list-filters.ts";
import { scopesWith } from "../lib/auth/scope-filter.ts";
import type { Database } from "../lib/db/database.ts";
import { decodeKeysetCursor, type KeysetCursor, type KeysetList } from "../lib/db/keyset-paging.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testEngines } from "../test-support/db-engines.ts";
import { accessOf, scopedAdmin, scopedApprover, seedLists, type ListUser, type SeededLists } from "../test-support/list-seed.ts";
import { createGrantRepository } from "./repository.ts";

const now = new Date("2030-07-01T12:00:00.000Z");
const since = new Date(now.getTime() - 30 * 24 * 3600_000);

type Row = { id: string; createdAt: Date };

/** Follows the cursors to the end; checks every page is newest first and continues where the last one stopped. */
async function everyPage(list: KeysetList, pageSize: number, read: (cursor: KeysetCursor | undefined) => Promise<{ rows: Row[]; nextCursor: string | null }>): Promise<string[]> {
  const seen: Row[] = [];
  let cursor: KeysetCursor | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await read(cursor);
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    seen.push(...page.rows);
    if (page.nextCursor === null) break;
    expect(page.rows).toHaveLength(pageSize);
    cursor = decodeKeysetCursor(list, page.nextCursor);
    expect(cursor).toBeDefined();
  }
  const order = seen.map((r) => `${r.createdAt.toISOString()}|${r.id}`);
  expect(order).toEqual([...order].sort().reverse());
  return seen.map((r) => r.id);
}

const sorted = (ids: readonly string[]) => [...ids].sort();

describe.each(testEngines)("grant and access-request lists authorized in SQL, keyset-paged, on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let seeded: SeededLists;

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    await migrateToLatest(database);
    seeded = await seedLists(database.kysely, now);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  const grantIds = (user: ListUser, scope: "all" | "mine", status: "all" | "active", pageSize: number) => {
    const grants = createGrantRepository(database.kysely);
    const vmScopes = scope === "all" ? scopesWith(accessOf(user), "jit.request.revoke.any") : null;
    return everyPage("grants", pageSize, async (cursor) => {
      const page = await grants.page({ status, now, requesterOid: user.oid, vmScopes, pageSize, ...(cursor === undefined ? {} : { cursor }) });
      return { rows: page.records, nextCursor: page.nextCursor };
    });
  };

  it("a scoped admin pages through every grant in their scopes and their own, older than 560 grants elsewhere, and nothing else", async () => {
    expect(seeded.grants.total).toBeGreaterThan(500);
    expect(sorted(await grantIds(scopedAdmin, "all", "all", 7))).toEqual(sorted(seeded.grants.adminAll));
    expect(sorted(await grantIds(scopedAdmin, "all", "all", 500))).toEqual(sorted(seeded.grants.adminAll));
    expect(sorted(await grantIds(scopedAdmin, "all", "active", 4))).toEqual(sorted(seeded.grants.adminAllActive));
    expect(sorted(await grantIds(scopedAdmin, "mine", "all", 2))).toEqual(sorted(seeded.grants.adminMine));
  });

  it("a scoped approver, who may revoke no one's grant, lists none of the others' grants", async () => {
    expect(await grantIds(scopedApprover, "all", "all", 100)).toEqual([]);
  });

  const requestIds = (filter: AccessRequestListFilter, pageSize: number) => {
    const repository = createAccessRequestRepository(database.kysely);
    return everyPage("access-requests", pageSize, async (cursor) => {
      const page = await repository.page(filter, cursor, pageSize);
      return { rows: page.records, nextCursor: page.nextCursor };
    });
  };
  const approverOf = (user: ListUser) => ({ oid: user.oid, tenantId: "t", groups: user.groups, approveScopes: scopesWith(accessOf(user), "jit.request.approve") });

  it("pending approvals: every request the caller may decide (role at the VM's scope, named by object id or group; a user name left from before names nobody) is reachable past 1,000 newer ones outside their scopes", async () => {
    expect(seeded.requests.pending).toBeGreaterThan(1000);
    const pat = approverOf(scopedApprover);
    expect(sorted(await requestIds({ kind: "actionable", approver: pat, now, reviews: true }, 9))).toEqual(sorted(seeded.requests.approverApprovals));
    expect(sorted(await requestIds({ kind: "actionable", approver: pat, now, reviews: false }, 500))).toEqual(sorted(seeded.requests.approverApprovalsPending));
    expect(sorted(await requestIds({ kind: "actionable", approver: approverOf(scopedAdmin), now, reviews: true }, 5))).toEqual(sorted(seeded.requests.adminApprovals));
  });

  it("all requests in a scoped admin's scopes, and a requester's own, page to the end", async () => {
    const vmScopes = scopesWith(accessOf(scopedAdmin), "jit.request.revoke.any");
    expect(sorted(await requestIds({ kind: "scopes", vmScopes, since, pendingOnly: false }, 6))).toEqual(sorted(seeded.requests.adminAll));
    expect(sorted(await requestIds({ kind: "requester", requesterOid: scopedApprover.oid, since, pendingOnly: true }, 1))).toEqual(sorted(seeded.requests.approverMine));
    expect(await requestIds({ kind: "scopes", vmScopes: scopesWith(accessOf(scopedApprover), "jit.request.revoke.any"), since, pendingOnly: false }, 50)).toEqual([]);
  });
});
