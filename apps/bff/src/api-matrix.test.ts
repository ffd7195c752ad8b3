import { randomUUID } from "node:crypto";
import { appRoleValues, rolePermissions, roles, tenantScope, type Permission } from "@portcullis/contract";
import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { demoAssignments } from "./rbac/demo-assignments.ts";
import { createPolicyRepository } from "./policies/repository.ts";
import { demo, ssh } from "./test-support/policies.ts";
import { scopeCovers, scopeSegments } from "./lib/auth/scope.ts";
import type { RouteAccess } from "./lib/auth/guard.ts";
import { listRoutes } from "./test-support/api-routes.ts";
import { createPrincipalStore } from "./lib/auth/principal-store.ts";
import { buildAccess } from "./lib/auth/access.ts";
import { createAccessRequestRepository } from "./approvals/repository.ts";
import { createGrantRepository } from "./requests/repository.ts";
import { createNotificationRepository } from "./notifications/repository.ts";
import { listAuditEvents } from "./lib/audit/audit-events.ts";
import { openedGrant } from "./requests/service.ts";
import { storedGrant } from "./test-support/requests.ts";
import { expectDocumented } from "./test-support/openapi-responses.ts";
import { signInAs } from "./test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator } from "./test-support/stack.ts";
import { issuerSigningKey, signToken, tamper, userClaims } from "./test-support/tokens.ts";

/**
 * Every /api route (read from Express's router) times every demo user and every kind of bad token: the status,
 * the 403 message, that a refused call made no ARM call and stored nothing but, for a write, its access.denied
 * event, that no answer may be cached, and that every answer matches the OpenAPI document.
 */
const emulator = await startTestEmulator();
const bff = await assembleTestBff(emulator);
afterAll(async () => {
  await bff.close();
  await emulator.stop();
});

interface Identity {
  name: string;
  authorization?: string;
  /** Demo user signed in for real; absent for the refused identities. */
  username?: string;
}

const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
const issuer = bff.localIssuer?.issuer ?? "";
const adminToken = await signInAs(bff, "admin@contoso.test");
const hourAgo = Math.floor(Date.now() / 1000) - 3600 * 2;
const identities: Identity[] = [
  ...(await Promise.all(demoUsers.map(async (u) => ({ name: u.username, username: u.username, authorization: `Bearer ${await signInAs(bff, u.username)}` })))),
  { name: "no token" },
  { name: "an expired token", authorization: `Bearer ${await signToken(userClaims(issuer, "admin@contoso.test", hourAgo), key, { alg: "RS256", kid })}` },
  { name: "a token for another audience", authorization: `Bearer ${await signToken({ ...userClaims(issuer, "admin@contoso.test"), aud: emulator.url }, key, { alg: "RS256", kid })}` },
  { name: "a tampered token", authorization: `Bearer ${tamper(adminToken, (p) => (p["exp"] = Number(p["exp"]) + 86_400))}` },
];

/** What each demo user holds: tenant roles from their app roles, plus the seeded scoped assignments. */
function held(username: string): { tenant: Set<Permission>; somewhere: Set<Permission>; at(scope: string): Set<Permission> } {
  const user = demoUsers.find((u) => u.username === username);
  const tenant = new Set(roles.filter((r) => user?.roles.includes(appRoleValues[r])).flatMap((r) => rolePermissions[r]));
  const mine = demoAssignments().filter((a) => (a.principalType === "user" ? a.principalId === user?.oid : user?.groups.includes(a.principalId)));
  const scoped = mine.flatMap((a) => rolePermissions[a.role]);
  return {
    tenant,
    somewhere: new Set([...tenant, ...scoped]),
    at: (scope) => new Set([...tenant, ...mine.filter((a) => scopeCovers(scopeSegments(a.scope), scopeSegments(scope))).flatMap((a) => rolePermissions[a.role])]),
  };
}

interface Sample {
  /** What the route must require, as the README's table says (checked against its guard declaration). */
  requires: string;
  /** The request to send (may first store what it acts on); `ok` is the status when the caller may. */
  prepare(identity: Identity): Promise<{ url: string; body?: object }>;
  ok: number;
  /** For a route scoped to the request's VM: that VM (the permission is checked there). */
  vmId?: string;
}

const policyRepository = createPolicyRepository(bff.database.kysely);
const storedPolicy = (vmId: string) => ({ vmId, subscriptionId: "s", resourceGroup: "rg", vmName: "vm", location: "westeurope", ports: [ssh], nsgIds: [] });
const defenderFile = {
  properties: { virtualMachines: [{ id: demo.web04, ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] }] },
};

const grantRepository = createGrantRepository(bff.database.kysely);
// The requester of the matrix's requests to approve: approvals re-check that the requester may still request.
await createPrincipalStore(bff.database.kysely).remember({ oid: "matrix-requester", name: "Matrix Requester", username: "matrix@contoso.test", tenantId: "t", tenantRoles: ["Requester"], ignoredRoles: [], groups: [] });
const accessRequests = createAccessRequestRepository(bff.database.kysely);
/**
 * An access request on web02 (stored directly: no ARM call): by the identity (`own`), or by someone else with the
 * identity as a named approver of two (`toApprove`), or break-glass by someone else (`toReview`). A random id for
 * a refused identity.
 */
async function accessRequestFor(who: Identity, kind: "own" | "toApprove" | "toReview"): Promise<string> {
  const user = demoUsers.find((u) => u.username === who.username);
  if (user === undefined) return randomUUID();
  const now = new Date();
  const id = randomUUID();
  await accessRequests.insert({
    id,
    vmId: demo.web02.toLowerCase(),
    vmName: "vm-prod-web-02",
    resourceGroup: "rg-web-prod",
    subscriptionId: demo.web02.split("/")[2] ?? "",
    requesterOid: kind === "own" ? user.oid : "matrix-requester",
    requesterName: kind === "own" ? user.name : "Matrix Requester",
    requesterUsername: kind === "own" ? user.username : "matrix@contoso.test",
    requesterIp: null,
    ports: [{ port: 22, protocol: "TCP" }],
    sourcePrefixes: ["198.51.100.7/32"],
    durationMinutes: 30,
    justification: "matrix",
    status: kind === "toReview" ? "opened" : "pending",
    approval: { requiredApprovals: 2, approvers: { roleHolders: false, users: [user.oid], groups: [] }, allowSelfApproval: false, maxWait: "PT1H", clockStartsAt: "approval" },
    createdAt: now,
    expiresAt: new Date(now.getTime() + 3600_000),
    decidedAt: null,
    breakGlass: kind === "toReview",
    review: null,
    grantId: null,
    error: null,
    correlationId: null,
    decisions: [],
  });
  return id;
}
/** An open grant of the identity (on no NSG, so closing it writes nothing); a random id for a refused identity. */
async function ownGrant(who: Identity): Promise<string> {
  const oid = demoUsers.find((u) => u.username === who.username)?.oid;
  if (oid === undefined) return randomUUID();
  const record = storedGrant(oid);
  await grantRepository.insertOpening(record, []);
  return record.id;
}
async function ensurePolicy(vmId: string): Promise<void> {
  const context = { actor: { oid: "matrix", name: "matrix", ip: null }, correlationId: null };
  if ((await policyRepository.get(vmId)) === null) await bff.policies.put([{ vmId, ports: [ssh] }], { kind: "put", context });
}

const notificationRepository = createNotificationRepository(bff.database.kysely);
/** A webhook subscription to act on (to a closed local port: the matrix runs no delivery job). */
async function storedSubscription(who: Identity): Promise<string> {
  const id = randomUUID();
  await notificationRepository.insertSubscription({
    id,
    name: `matrix ${who.name}`,
    kind: "webhook",
    target: "http://127.0.0.1:9/hook",
    secret: "matrix-secret-matrix-secret-matrix-secret",
    toRequester: false,
    scope: "/",
    events: ["request.opened"],
    enabled: true,
    createdAt: new Date(),
    createdBy: "matrix",
  });
  return id;
}

function describeAccess(access: RouteAccess): string {
  if (access.kind === "any-permission") return `${access.permissions.join(" or ")} at some scope`;
  if (access.kind !== "permission") return access.kind;
  return `${access.permission} at ${access.scope === "some" ? "some scope" : access.scope === "tenant" ? "/" : "the request's scope"}`;
}

/** One sample request per route; a new route needs one here (the test fails until it has). */
const samples: Record<string, Sample> = {
  "GET /api/healthz": { requires: "public", prepare: async () => ({ url: "/api/healthz" }), ok: 200 },
  "GET /api/readyz": { requires: "public", prepare: async () => ({ url: "/api/readyz" }), ok: 200 },
  "GET /api/auth/config": { requires: "public", prepare: async () => ({ url: "/api/auth/config" }), ok: 200 },
  "GET /api/openapi.json": { requires: "public", prepare: async () => ({ url: "/api/openapi.json" }), ok: 200 },
  "GET /api/docs": { requires: "public", prepare: async () => ({ url: "/api/docs" }), ok: 200 },
  "GET /api/me": { requires: "signed-in", prepare: async () => ({ url: "/api/me" }), ok: 200 },
  "GET /api/inventory/vms": { requires: "jit.vm.read at some scope", prepare: async () => ({ url: "/api/inventory/vms?tab=recommended" }), ok: 200 },
  "POST /api/inventory/refresh": { requires: "jit.inventory.refresh at /", prepare: async () => ({ url: "/api/inventory/refresh" }), ok: 200 },
  "GET /api/rbac/assignments": { requires: "jit.rbac.read at /", prepare: async () => ({ url: "/api/rbac/assignments" }), ok: 200 },
  "POST /api/rbac/assignments": {
    requires: "jit.rbac.write at /",
    prepare: async (who) => ({
      url: "/api/rbac/assignments",
      body: { principalType: "user", principalId: `matrix ${who.name}`, principalName: who.name, role: "Auditor", scope: `/subscriptions/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}` },
    }),
    ok: 201,
  },
  "DELETE /api/rbac/assignments/:id": {
    requires: "jit.rbac.write at /",
    prepare: async (who) => {
      const target = await bff.assignments.create({ principalType: "group", principalId: `to-delete ${who.name}`, principalName: "x", role: "Auditor", scope: "/", createdBy: { oid: "t", name: "test" } });
      return { url: `/api/rbac/assignments/${target?.id ?? ""}` };
    },
    ok: 204,
  },
  "GET /api/policies": { requires: "jit.vm.read at some scope", prepare: async () => ({ url: "/api/policies" }), ok: 200 },
  "GET /api/policies/vm": {
    requires: "jit.vm.read at the request's scope",
    vmId: demo.app01,
    prepare: async () => {
      if ((await policyRepository.get(demo.app01)) === null) await policyRepository.save([storedPolicy(demo.app01)], "matrix");
      return { url: `/api/policies/vm?vmId=${encodeURIComponent(demo.app01)}` };
    },
    ok: 200,
  },
  "POST /api/policies/preview": { requires: "jit.policy.write at some scope", prepare: async () => ({ url: "/api/policies/preview", body: { vmIds: [demo.web01], ports: [ssh] } }), ok: 200 },
  "PUT /api/policies": { requires: "jit.policy.write at some scope", prepare: async () => ({ url: "/api/policies", body: { vmIds: [demo.web01], ports: [ssh] } }), ok: 200 },
  "POST /api/policies/remove": {
    requires: "jit.policy.write at some scope",
    prepare: async () => {
      const context = { actor: { oid: "matrix", name: "matrix", ip: null }, correlationId: null };
      if ((await policyRepository.get(demo.web03)) === null) await bff.policies.put([{ vmId: demo.web03, ports: [ssh] }], { kind: "put", context });
      return { url: "/api/policies/remove", body: { vmIds: [demo.web03] } };
    },
    ok: 200,
  },
  "POST /api/policies/import": { requires: "jit.policy.write at some scope", prepare: async () => ({ url: "/api/policies/import?dryRun=true", body: defenderFile }), ok: 200 },
  "GET /api/policies/export": { requires: "jit.vm.read at some scope", prepare: async () => ({ url: "/api/policies/export" }), ok: 200 },
  "GET /api/activity": { requires: "jit.activity.read or jit.request.create at some scope", prepare: async () => ({ url: "/api/activity?pageSize=5" }), ok: 200 },
  "GET /api/activity/export.csv": { requires: "jit.activity.read or jit.request.create at some scope", prepare: async () => ({ url: "/api/activity/export.csv?action=rbac.assignment-added" }), ok: 200 },
  "GET /api/activity/export.jsonl": { requires: "jit.activity.read or jit.request.create at some scope", prepare: async () => ({ url: "/api/activity/export.jsonl?action=rbac.assignment-added" }), ok: 200 },
  "GET /api/audit/verify": { requires: "jit.rbac.write at /", prepare: async () => ({ url: "/api/audit/verify" }), ok: 200 },
  "GET /api/access-requests": { requires: "signed-in", prepare: async () => ({ url: "/api/access-requests?scope=mine" }), ok: 200 },
  "GET /api/access-requests/:id": { requires: "signed-in", prepare: async (who) => ({ url: `/api/access-requests/${await accessRequestFor(who, "own")}` }), ok: 200 },
  "GET /api/access-requests/:id/requester-history": { requires: "signed-in", prepare: async (who) => ({ url: `/api/access-requests/${await accessRequestFor(who, "toApprove")}/requester-history` }), ok: 200 },
  "POST /api/access-requests/:id/approve": { requires: "signed-in", prepare: async (who) => ({ url: `/api/access-requests/${await accessRequestFor(who, "toApprove")}/approve`, body: { comment: "ok" } }), ok: 200 },
  "POST /api/access-requests/:id/deny": { requires: "signed-in", prepare: async (who) => ({ url: `/api/access-requests/${await accessRequestFor(who, "toApprove")}/deny`, body: { comment: "no" } }), ok: 200 },
  "POST /api/access-requests/:id/cancel": { requires: "signed-in", prepare: async (who) => ({ url: `/api/access-requests/${await accessRequestFor(who, "own")}/cancel` }), ok: 200 },
  "POST /api/access-requests/:id/review": {
    requires: "jit.request.approve at some scope",
    prepare: async (who) => ({ url: `/api/access-requests/${await accessRequestFor(who, "toReview")}/review`, body: { comment: "reviewed" } }),
    ok: 200,
  },
  "GET /api/requests/my-ip": { requires: "signed-in", prepare: async () => ({ url: "/api/requests/my-ip" }), ok: 200 },
  "POST /api/requests": {
    requires: "jit.request.create at the request's scope",
    vmId: demo.web02,
    prepare: async () => {
      await ensurePolicy(demo.web02);
      return { url: "/api/requests", body: { vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 30 } };
    },
    ok: 201,
  },
  "GET /api/grants": { requires: "signed-in", prepare: async () => ({ url: "/api/grants?scope=mine&status=all" }), ok: 200 },
  "GET /api/grants/:id": { requires: "signed-in", prepare: async (who) => ({ url: `/api/grants/${await ownGrant(who)}` }), ok: 200 },
  "POST /api/grants/:id/revoke": { requires: "signed-in", prepare: async (who) => ({ url: `/api/grants/${await ownGrant(who)}/revoke` }), ok: 200 },
  "POST /api/grants/:id/extend": {
    requires: "jit.request.create at some scope",
    prepare: async (who) => {
      const oid = demoUsers.find((u) => u.username === who.username)?.oid;
      if (oid === undefined) return { url: `/api/grants/${randomUUID()}/extend`, body: { addMinutes: 5 } };
      await ensurePolicy(demo.web02);
      const access = buildAccess({ oid, name: who.name, username: who.name, tenantId: "t", tenantRoles: [], ignoredRoles: [], groups: [] }, []);
      const grant = await bff.requests.create({ vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.9"] }, durationMinutes: 30 }, { oid, name: who.name, access, ip: null, correlationId: null }).then(openedGrant);
      return { url: `/api/grants/${grant.id}/extend`, body: { addMinutes: 5 } };
    },
    ok: 200,
  },
  "GET /api/notifications/subscriptions": { requires: "jit.notifications.read at some scope", prepare: async () => ({ url: "/api/notifications/subscriptions" }), ok: 200 },
  "POST /api/notifications/subscriptions": {
    requires: "jit.notifications.write at some scope",
    prepare: async (who) => ({ url: "/api/notifications/subscriptions", body: { name: `matrix ${who.name}`, kind: "webhook", url: "http://127.0.0.1:9/hook", scope: "/", events: ["request.opened"] } }),
    ok: 201,
  },
  "PATCH /api/notifications/subscriptions/:id": {
    requires: "jit.notifications.write at some scope",
    prepare: async (who) => ({ url: `/api/notifications/subscriptions/${await storedSubscription(who)}`, body: { enabled: false } }),
    ok: 200,
  },
  "DELETE /api/notifications/subscriptions/:id": {
    requires: "jit.notifications.write at some scope",
    prepare: async (who) => ({ url: `/api/notifications/subscriptions/${await storedSubscription(who)}` }),
    ok: 204,
  },
  "POST /api/notifications/subscriptions/:id/test": {
    requires: "jit.notifications.write at some scope",
    prepare: async (who) => ({ url: `/api/notifications/subscriptions/${await storedSubscription(who)}/test` }),
    ok: 202,
  },
  "GET /api/notifications/deliveries": { requires: "jit.notifications.read at some scope", prepare: async () => ({ url: "/api/notifications/deliveries?pageSize=5" }), ok: 200 },
  "GET /api/vms/properties": {
    requires: "jit.vm.read at the request's scope",
    vmId: demo.app01,
    prepare: async () => ({ url: `/api/vms/properties?vmId=${encodeURIComponent(demo.app01)}` }),
    ok: 200,
  },
};

const apiRoutes = listRoutes(bff.app).filter((r) => r.path === "/api" || r.path.startsWith("/api/"));

describe("the API route matrix", () => {
  it("finds the routes in the router, each declaring its access and having a sample request", () => {
    expect(apiRoutes.length).toBeGreaterThanOrEqual(Object.keys(samples).length);
    for (const route of apiRoutes) {
      const name = `${route.method} ${route.path}`;
      expect(route.access, `${name} is registered without guard()`).toBeDefined();
      expect(samples[name], `${name} has no sample request in api-matrix.test.ts`).toBeDefined();
      if (route.access !== undefined) expect(describeAccess(route.access), name).toBe(samples[name]?.requires);
    }
  });

  describe.each(apiRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))("%s", (name, route) => {
    it.each(identities.map((who) => [who.name, who] as const))("as %s", async (_who, who) => {
      const sample = samples[name];
      const access = route.access;
      if (sample === undefined || access === undefined) throw new Error(`${name}: no sample or no declared access`);
      const { url, body } = await sample.prepare(who);
      const rowsBefore = await bff.assignments.count();
      emulator.control.resetCounters();

      const call = request(bff.app)[route.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete"](url);
      if (who.authorization !== undefined) call.set("authorization", who.authorization);
      // Every answer, refusals included, is what the OpenAPI document says for the route and status.
      const res = expectDocumented(await (body === undefined ? call : call.send(body)));

      let expected = sample.ok;
      let forbidden: string | undefined;
      if (access.kind !== "public" && who.username === undefined) expected = 401;
      else if (access.kind === "any-permission" && who.username !== undefined) {
        if (!access.permissions.some((p) => held(who.username ?? "").somewhere.has(p))) {
          expected = 403;
          forbidden = `Missing permission ${access.permissions.join(" or ")} at any scope`;
        }
      } else if (access.kind === "permission" && who.username !== undefined) {
        const { tenant, somewhere, at } = held(who.username);
        if (typeof access.scope === "function") {
          if (sample.vmId === undefined) throw new Error(`${name}: give the matrix a VM-scoped expectation (vmId)`);
          if (!at(sample.vmId).has(access.permission)) {
            expected = 403;
            forbidden = `Missing permission ${access.permission} at scope ${sample.vmId}`;
          }
        } else if (!(access.scope === "some" ? somewhere.has(access.permission) : tenant.has(access.permission))) {
          expected = 403;
          forbidden = `Missing permission ${access.permission} at ${access.scope === "some" ? "any scope" : `scope ${tenantScope}`}`;
        }
      }
      expect(res.status, JSON.stringify(res.body)).toBe(expected);
      if (expected === 401) expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="portcullis"/);
      if (forbidden !== undefined) expect(res.body.error.message).toBe(forbidden);
      if (expected === 401 || expected === 403) {
        expect(emulator.control.counters()).toMatchObject({ requests: 0, writes: 0 });
        expect(await bff.assignments.count()).toBe(rowsBefore);
      }
      // Grants carry connect details: nothing under /api may be cached, refusals included.
      expect(res.headers["cache-control"], name).toBe("no-store");
      // A refused write leaves an access.denied event (route template, permission, scope); reads and other answers none.
      const denied = (await listAuditEvents(bff.database.kysely, { correlationId: res.headers["x-request-id"] ?? "none" })).filter((e) => e.action === "access.denied");
      if (expected === 403 && route.method !== "GET") {
        const oid = demoUsers.find((u) => u.username === who.username)?.oid;
        expect(denied).toEqual([
          expect.objectContaining({ outcome: "failure", actor: expect.objectContaining({ oid }), error: forbidden, details: expect.objectContaining({ route: name }) }),
        ]);
        if (forbidden?.startsWith("Missing permission")) {
          expect(denied[0]?.details).toMatchObject({ permission: expect.any(String), scope: expect.any(String) });
          expect(forbidden).toContain(String(denied[0]?.details["permission"]));
        }
      } else {
        expect(denied).toEqual([]);
      }
    });
  });
});
