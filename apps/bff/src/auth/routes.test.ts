import { AuthConfigResponseSchema, MeResponseSchema, type Permission, type Role } from "@portcullis/contract";
import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localTenantId } from "../lib/config-auth.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { issuerSigningKey, otherRsaKey, signToken, tamper, unsignedToken, userClaims } from "../test-support/tokens.ts";

describe("sign-in with the local issuer", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    for (const user of demoUsers) tokens.set(user.username, await signInAs(bff, user.username));
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const me = (token: string) => request(bff.app).get("/api/me").set("authorization", `Bearer ${token}`);

  it("serves the SPA's MSAL settings without a token and without secrets", async () => {
    const res = await request(bff.app).get("/api/auth/config");
    expect(res.status).toBe(200);
    const host = new URL(bff.url).host;
    expect(AuthConfigResponseSchema.strict().parse(res.body)).toEqual({
      mode: "local",
      clientId: "portcullis-spa",
      cliClientId: "portcullis-cli",
      authority: `https://${host}/oidc`,
      knownAuthorities: [host],
      authorityMetadata: expect.any(String),
      protocolMode: "OIDC",
      apiScope: "api://portcullis/access_as_user",
    });
    const metadata = JSON.parse(res.body.authorityMetadata as string) as Record<string, string>;
    expect(metadata).toMatchObject({ issuer: `https://${host}/oidc`, token_endpoint: `${bff.url}/oidc/oauth2/v2.0/token` });
    // Only public fields: no client secret, password or private key member anywhere.
    expect(res.text).not.toMatch(/\\?"(client_secret|clientSecret|password|d|p|q|dp|dq)\\?"\s*:/);
  });

  it.each([
    ["/", true],
    ["/auth/callback", true],
    ["/elsewhere", false],
  ])("registers %s as a redirect URI of the SPA: %s", async (pathname, registered) => {
    const authorize = new URL(bff.localIssuer?.metadata.authorization_endpoint ?? "");
    authorize.search = new URLSearchParams({
      client_id: "portcullis-spa",
      response_type: "code",
      redirect_uri: `${bff.url}${pathname}`,
      scope: "api://portcullis/access_as_user openid",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    }).toString();
    const res = await fetch(authorize, { redirect: "manual" });
    // A registered URI is sent on to the login page; an unregistered one gets the issuer's error page.
    if (registered) expect(new URL(res.headers.get("location") ?? "", bff.url).pathname).toMatch(/^\/oidc\/interaction\//);
    else expect(res.status).toBe(400);
  });

  it.each<[string, Role[], Permission[], Permission[], number]>([
    ["admin@contoso.test", ["Admin"], ["jit.vm.read", "jit.inventory.refresh", "jit.policy.write", "jit.request.create", "jit.request.approve", "jit.request.revoke.any", "jit.activity.read", "jit.rbac.read", "jit.rbac.write", "jit.notifications.read", "jit.notifications.write"], [], 0],
    ["dev@contoso.test", [], [], ["jit.vm.read", "jit.request.create"], 2],
    ["approver@contoso.test", ["Approver"], ["jit.vm.read", "jit.request.approve"], ["jit.vm.read", "jit.request.approve"], 0],
    ["auditor@contoso.test", ["Auditor"], ["jit.vm.read", "jit.activity.read"], ["jit.vm.read", "jit.activity.read"], 0],
    ["reader@contoso.test", [], [], [], 0],
  ])("GET /api/me tells %s who they are and what they may do", async (username, tenantRoles, tenantPermissions, anyScope, assignments) => {
    const res = await me(tokens.get(username) ?? "");
    expect(res.status).toBe(200);
    const body = MeResponseSchema.parse(res.body);
    const user = demoUsers.find((u) => u.username === username);
    expect(body.user).toEqual({ oid: user?.oid, name: user?.name, username, tenantId: localTenantId });
    expect(body.tenantRoles).toEqual(tenantRoles);
    expect(body.tenantPermissions).toEqual(tenantPermissions);
    expect(body.anyScopePermissions).toEqual(anyScope.length > 0 ? anyScope : tenantPermissions);
    expect(body.assignments).toHaveLength(assignments);
    expect(body.ignoredRoles).toEqual([]);
  });

  it("ignores a role value that names no Portcullis role, and says so", async () => {
    const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
    const claims = { ...userClaims(bff.localIssuer?.issuer ?? "", "reader@contoso.test"), roles: ["Jit.SuperUser", "Jit.Auditor", "jit.admin"] };
    const res = await me(await signToken(claims, key, { alg: "RS256", kid }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenantRoles: ["Auditor"], ignoredRoles: ["Jit.SuperUser", "jit.admin"], tenantPermissions: ["jit.vm.read", "jit.activity.read"] });
  });

  it("a user with no role may ask who they are, but not list VMs", async () => {
    const token = tokens.get("reader@contoso.test") ?? "";
    expect((await me(token)).status).toBe(200);
    const res = await request(bff.app).get("/api/inventory/vms").query({ tab: "recommended" }).set("authorization", `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({ code: "Forbidden", message: "Missing permission jit.vm.read at any scope", details: { permission: "jit.vm.read", scope: "any" } });
  });

  it("without a token answers 401 with the realm and no error code", async () => {
    const res = await request(bff.app).get("/api/me");
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="portcullis"');
    expect(res.body.error).toMatchObject({ code: "Unauthorized", message: expect.stringContaining("Sign-in required") });
  });

  type Bad = (ctx: { issuer: string; key: Parameters<typeof signToken>[1]; kid: string; real: string }) => Promise<string> | string;
  it.each<[string, Bad, string]>([
    ["expired", async ({ issuer, key, kid }) => signToken({ ...userClaims(issuer, "admin@contoso.test", Math.floor(Date.now() / 1000) - 7200) }, key, { alg: "RS256", kid }), "expired"],
    ["for another audience", async ({ issuer, key, kid }) => signToken({ ...userClaims(issuer, "admin@contoso.test"), aud: "https://localhost:1" }, key, { alg: "RS256", kid }), "wrong audience"],
    ["from another issuer", async ({ key, kid }) => signToken(userClaims("https://evil.example/oidc", "admin@contoso.test"), key, { alg: "RS256", kid }), "wrong issuer"],
    ["from another tenant", async ({ issuer, key, kid }) => signToken({ ...userClaims(issuer, "admin@contoso.test"), tid: "99999999-9999-4999-8999-999999999999" }, key, { alg: "RS256", kid }), "tenant not allowed"],
    ["signed by another key (forged)", async ({ issuer, kid }) => signToken(userClaims(issuer, "admin@contoso.test"), await otherRsaKey(), { alg: "RS256", kid }), "bad signature"],
    ["with a tampered payload", ({ real }) => tamper(real, (p) => (p["roles"] = ["Jit.Admin"])), "bad signature"],
    ["with alg none", ({ issuer }) => unsignedToken(userClaims(issuer, "admin@contoso.test")), "unsupported algorithm"],
    ["signed with HS256", ({ issuer, kid }) => signToken(userClaims(issuer, "admin@contoso.test"), new TextEncoder().encode("0123456789abcdef0123456789abcdef"), { alg: "HS256", kid }), "unsupported algorithm"],
    ["that is no JWT", () => "abc.def", "malformed"],
    ["that is an ID token (no API scope)", async ({ issuer, key, kid }) => signToken({ ...userClaims(issuer, "admin@contoso.test"), aud: "portcullis-spa", scp: undefined }, key, { alg: "RS256", kid }), "wrong audience"],
  ])("answers a token %s with 401 saying why", async (_name, make, reason) => {
    const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
    const token = await make({ issuer: bff.localIssuer?.issuer ?? "", key, kid, real: tokens.get("reader@contoso.test") ?? "" });
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe(`Bearer realm="portcullis", error="invalid_token", error_description="${reason}"`);
    expect(res.body).toEqual({ error: { code: "Unauthorized", message: `Invalid access token: ${reason}`, details: { reason } } });
  });

  it.each(["Basic YWRtaW46cGFzcw==", "Bearer", "Bearer a b"])("answers the Authorization header %j with 401", async (header) => {
    const res = await request(bff.app).get("/api/me").set("authorization", header);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("Unauthorized");
  });
});
