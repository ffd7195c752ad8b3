import { apiCatalog, expressPathOf, findApiOperation, type ApiAccess } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteAccess } from "../lib/auth/guard.ts";
import { listRoutes } from "../test-support/api-routes.ts";
import { expectDocumented } from "../test-support/openapi-responses.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

/** The guard's declaration as the reference states it (a scope read from the request is the VM's). */
function documentedAccess(access: RouteAccess | undefined): ApiAccess | undefined {
  if (access === undefined) return undefined;
  if (access.kind === "permission") return { kind: "permission", permission: access.permission, scope: typeof access.scope === "function" ? "vm" : access.scope };
  if (access.kind === "any-permission") return { kind: "any-permission", permissions: [...access.permissions] };
  return access;
}

describe("the OpenAPI document", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("documents every mounted /api route with the access its guard declares, and documents no route that is not mounted", () => {
    const mounted = listRoutes(bff.app).filter((route) => route.path.startsWith("/api/"));
    expect(mounted.length).toBeGreaterThan(30);
    const undocumented = mounted.filter((route) => findApiOperation(route.method, route.path) === undefined).map((r) => `${r.method} ${r.path}`);
    expect(undocumented).toEqual([]);
    for (const route of mounted) {
      expect(findApiOperation(route.method, route.path)?.access, `${route.method} ${route.path}`).toEqual(documentedAccess(route.access));
    }
    const notMounted = apiCatalog
      .filter((op) => !mounted.some((route) => route.method === op.method.toUpperCase() && route.path === expressPathOf(op.path)))
      .map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(notMounted).toEqual([]);
  });

  it("is served publicly at /api/openapi.json as OpenAPI 3.1, with each route's permission, error body and the issuer's OAuth 2 endpoints", async () => {
    const res = expectDocumented(await request(bff.app).get("/api/openapi.json"));
    expect(res.status).toBe(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { securitySchemes: Record<string, { flows: Record<string, { tokenUrl: string; authorizationUrl?: string }> }>; schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    const metadata = bff.localIssuer?.metadata;
    expect(doc.components.securitySchemes["oauth2"]?.flows["authorizationCode"]).toMatchObject({ authorizationUrl: metadata?.authorization_endpoint, tokenUrl: metadata?.token_endpoint });
    expect(doc.components.securitySchemes["oauth2App"]?.flows["clientCredentials"]?.tokenUrl).toBe(metadata?.token_endpoint);

    const revoke = doc.paths["/api/grants/{id}/revoke"]?.["post"];
    expect(revoke?.["x-permission"]).toBe("signed-in");
    expect(revoke?.["parameters"]).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(revoke?.["responses"]).toMatchObject({ "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/Grant" } } } }, "404": { content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } } } });
    const create = doc.paths["/api/requests"]?.["post"];
    expect(create).toMatchObject({ "x-permission": "jit.request.create", "x-permission-scope": "vm", requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/CreateAccessRequestBody" } } } } });
    expect(Object.keys(create?.["responses"] as object)).toEqual(expect.arrayContaining(["201", "202", "400", "401", "403"]));
    expect(doc.components.schemas["ErrorBody"]).toMatchObject({ type: "object", required: ["error"] });
  });

  it("renders the reference page at /api/docs from files this server serves, under the portal's CSP", async () => {
    const page = await request(bff.app).get("/api/docs");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script>[^<]/);
    const scripts = [...page.text.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map((m) => new URL(m[1] ?? "", "http://bff.test/api/docs").pathname);
    expect(scripts).toEqual(["/api/docs/assets/swagger-ui.css", "/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/init.js"]);
    for (const asset of scripts) {
      const res = await request(bff.app).get(asset);
      expect(res.status, asset).toBe(200);
    }
    expect((await request(bff.app).get("/api/docs/assets/index.html")).status).toBe(401);
  });

  it("answers of the API match the document: a caller's own identity, a list, a refusal and a 404", async () => {
    const dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
    expect(expectDocumented(await request(bff.app).get("/api/me").set("authorization", dev)).status).toBe(200);
    expect(expectDocumented(await request(bff.app).get("/api/grants").set("authorization", dev)).status).toBe(200);
    expect(expectDocumented(await request(bff.app).get("/api/rbac/assignments").set("authorization", dev)).status).toBe(403);
    expect(expectDocumented(await request(bff.app).get("/api/grants/00000000-0000-4000-8000-000000000000").set("authorization", dev)).status).toBe(404);
    expect(expectDocumented(await request(bff.app).get("/api/auth/config")).status).toBe(200);
  });
});
