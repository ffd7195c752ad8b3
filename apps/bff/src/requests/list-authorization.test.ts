import type { AccessRequest, Grant, RequesterHistoryResponse } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessRequestRepository } from "../approvals/repository.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { listScopes, scopedAdmin, scopedApprover, seedLists, storedAccessRequest, type ListUser, type SeededLists } from "../test-support/list-seed.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { issuerSigningKey, signToken, userClaims } from "../test-support/tokens.ts";

const now = new Date("2030-07-01T12:00:00.000Z");
const sorted = (ids: readonly string[]) => [...ids].sort();

describe("GET /api/grants and /api/access-requests page through what a scoped caller may see, past the old caps", () => {
  const clock = createManualClock(now);
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let seeded: SeededLists;
  const auth: Record<string, string> = {};

  /** A token for a user the demo issuer does not know, signed with its key (their roles come from assignments only). */
  async function tokenFor(user: ListUser): Promise<string> {
    const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
    const claims = { ...userClaims(bff.localIssuer?.issuer ?? "", "reader@contoso.test"), sub: user.oid, oid: user.oid, name: user.name, preferred_username: user.username, groups: user.groups };
    return `Bearer ${await signToken(claims, key, { alg: "RS256", kid })}`;
  }

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { clock });
    seeded = await seedLists(bff.database.kysely, now);
    for (const user of [scopedAdmin, scopedApprover]) {
      for (const a of user.assignments) {
        await bff.assignments.create({ principalType: "user", principalId: user.oid, principalName: user.name, role: a.role, scope: a.scope, createdBy: { oid: "test", name: "test" } });
      }
    }
    auth.admin = await tokenFor(scopedAdmin);
    auth.approver = await tokenFor(scopedApprover);
    auth.tenantAdmin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const get = (who: string, url: string) => request(bff.app).get(url).set("authorization", auth[who] ?? "");

  /** Follows nextCursor from the first page to the last; every id once, pages of exactly pageSize but the last. */
  async function everyItem<T extends { id: string }>(who: string, path: string, pageSize: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(who, `${path}&pageSize=${pageSize}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body as { items: T[]; nextCursor: string | null };
      if (page.nextCursor !== null) expect(page.items).toHaveLength(pageSize);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    return items;
  }

  it("a scoped Admin reaches every grant of their scopes and their own, though 560 newer grants elsewhere come first, and sees none of those", async () => {
    const all = await everyItem<Grant>("admin", "/api/grants?scope=all&status=all", 8);
    expect(sorted(all.map((g) => g.id))).toEqual(sorted(seeded.grants.adminAll));
    expect(all.every((g) => g.requester.oid === scopedAdmin.oid || !g.vmId.includes("rg-noise"))).toBe(true);
    const firstPage = await get("admin", "/api/grants?scope=all&status=all");
    expect(firstPage.body.items).toHaveLength(seeded.grants.adminAll.length);
    expect(firstPage.body.nextCursor).toBeNull();
    expect(sorted((await everyItem<Grant>("admin", "/api/grants?scope=mine&status=all", 2)).map((g) => g.id))).toEqual(sorted(seeded.grants.adminMine));
    expect((await get("approver", "/api/grants?scope=all")).status).toBe(403);
  });

  it("a scoped Approver reaches every request they may decide (by role at the VM's scope, by name, by group) past 1,000 newer ones outside their scopes, and break-glass accesses to review", async () => {
    const approvals = await everyItem<AccessRequest>("approver", "/api/access-requests?scope=approvals&status=all", 9);
    expect(sorted(approvals.map((r) => r.id))).toEqual(sorted(seeded.requests.approverApprovals));
    expect(approvals.filter((r) => !r.breakGlass).every((r) => r.canDecide && r.status === "pending")).toBe(true);
    const pending = await everyItem<AccessRequest>("approver", "/api/access-requests?scope=approvals&status=pending", 500);
    expect(sorted(pending.map((r) => r.id))).toEqual(sorted(seeded.requests.approverApprovalsPending));
    expect(sorted((await everyItem<AccessRequest>("approver", "/api/access-requests?scope=mine", 1)).map((r) => r.id))).toEqual(sorted(seeded.requests.approverMine));
    expect((await get("approver", "/api/access-requests?scope=all")).status).toBe(403);
  });

  it("a scoped Admin's pending approvals and all requests hold exactly the requests of their scopes", async () => {
    const approvals = await everyItem<AccessRequest>("admin", "/api/access-requests?scope=approvals&status=all", 10);
    expect(sorted(approvals.map((r) => r.id))).toEqual(sorted(seeded.requests.adminApprovals));
    const all = await everyItem<AccessRequest>("admin", "/api/access-requests?scope=all&status=all", 7);
    expect(sorted(all.map((r) => r.id))).toEqual(sorted(seeded.requests.adminAll));
  });

  it("a cursor that is not one from a previous page of this list, or a page size out of bounds, is a 400 naming it", async () => {
    const grantsPage = await get("admin", "/api/grants?scope=all&pageSize=1");
    const grantCursor = grantsPage.body.nextCursor as string;
    const crossed = await get("admin", `/api/access-requests?scope=all&cursor=${encodeURIComponent(grantCursor)}`);
    expect(crossed.status).toBe(400);
    expect(crossed.body.error).toMatchObject({ message: "cursor: is not a cursor from a previous page (use nextCursor as it was sent)", details: { problems: [{ field: "cursor" }] } });
    expect((await get("admin", "/api/grants?scope=all&cursor=bm90LWEtY3Vyc29y")).body.error.details.problems).toEqual([{ field: "cursor", rule: expect.stringMatching(/^is not a cursor/) }]);
    expect((await get("admin", "/api/grants?pageSize=501")).body.error.message).toBe("pageSize: must be at most 500");
    expect((await get("admin", "/api/access-requests?pageSize=0")).body.error.message).toBe("pageSize: must be at least 1");
  });

  it("beside a request, a scoped Approver sees only the requester's grants and outcomes on VMs they may read; a tenant Admin sees them all", async () => {
    const requests = createAccessRequestRepository(bff.database.kysely);
    const requester = { requesterOid: "oid-requester-0", requesterName: "Robin Requester", requesterUsername: "robin@contoso.test" };
    const stored = (vmId: string, status: AccessRequest["status"], minutesAgo: number) => storedAccessRequest(vmId, new Date(now.getTime() - minutesAgo * 60_000), { ...requester, status });
    const webVm = `${listScopes.webRg}/providers/Microsoft.Compute/virtualMachines/vm-web-0`;
    const elsewhere = `${listScopes.webRgTrap}/providers/Microsoft.Compute/virtualMachines/vm-web-0`;
    const pending = stored(webVm, "pending", 1);
    for (const record of [pending, stored(webVm, "denied", 10), stored(webVm, "denied", 11), ...[12, 13, 14].map((m) => stored(elsewhere, "denied", m))]) await requests.insert(record);

    const scoped = await get("approver", `/api/access-requests/${pending.id}/requester-history`);
    expect(scoped.status, JSON.stringify(scoped.body)).toBe(200);
    const history = scoped.body as RequesterHistoryResponse;
    const rows = await bff.database.kysely.selectFrom("jit_grant").select(["id", "vm_id"]).where("requester_oid", "=", "oid-requester-0").execute();
    const readable = rows.filter((r) => r.vm_id.startsWith(`${listScopes.webRg.toLowerCase()}/`)).map((r) => r.id);
    expect(readable.length).toBeGreaterThan(0);
    expect(sorted(history.grants.map((g) => g.id))).toEqual(sorted(readable));
    expect(history.counts).toEqual({ opened: 0, denied: 2, lapsed: 0, cancelled: 0, breakGlass: 0 });

    const tenant = (await get("tenantAdmin", `/api/access-requests/${pending.id}/requester-history`)).body as RequesterHistoryResponse;
    expect(tenant.grants).toHaveLength(20);
    expect(tenant.grants.some((g) => g.vmName.startsWith("vm-noise"))).toBe(true);
    expect(tenant.counts.denied).toBe(5);
  });
});
