import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from "jose";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

const tenant = "a1b2c3d4-0000-4000-8000-00000000000a";
const partnerTenant = "a1b2c3d4-0000-4000-8000-00000000000b";
const strangerTenant = "a1b2c3d4-0000-4000-8000-00000000000c";
const spa = "5e1a0000-0000-4000-8000-000000000001";
const api = "5e1a0000-0000-4000-8000-000000000002";

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

/** Serves a JWKS as Entra's keys endpoint does, counting fetches; the set can be swapped (rotation). */
async function startJwksServer(): Promise<{ url: string; publish(set: JSONWebKeySet): void; fetches(): number; close(): Promise<void> }> {
  let published: JSONWebKeySet = { keys: [] };
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(published));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${tenant}/discovery/v2.0/keys`,
    publish: (set) => (published = set),
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function publicJwk(keys: Keys, kid: string) {
  return { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
}

/** An access token for the API exactly as Entra ID v2 shapes it. */
function entraClaims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: api,
    iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3900,
    aio: "AWQAm/8ZAAAA",
    azp: spa,
    azpacr: "0",
    groups: ["0f1e2d3c-0000-4000-8000-0000000000aa"],
    name: "Pat Platform",
    oid: "0e0e0e0e-0000-4000-8000-000000000001",
    preferred_username: "pat@contoso.com",
    rh: "0.AAAA",
    roles: ["Jit.Admin", "Jit.Unknown"],
    scp: "access_as_user",
    sub: "pYwJgk2-AAAA",
    tid: tenant,
    uti: "zKx0",
    ver: "2.0",
    ...overrides,
  };
}

describe("sign-in with Entra ID", () => {
  let emulator: TestEmulator;
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let bff: InProcessBff;
  let current: Keys;

  const sign = (payload: JWTPayload, keys: Keys = current, kid = "entra-1") => new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(keys.privateKey);
  const me = (token: string) => request(bff.app).get("/api/me").set("authorization", `Bearer ${token}`);

  beforeAll(async () => {
    emulator = await startTestEmulator();
    jwks = await startJwksServer();
    current = await generateKeyPair("RS256", { extractable: true });
    jwks.publish({ keys: [await publicJwk(current, "entra-1")] });
    bff = await assembleTestBff(emulator, {
      env: {
        ENTRA_TENANT_ID: tenant,
        ENTRA_SPA_CLIENT_ID: spa,
        ENTRA_API_CLIENT_ID: api,
        ENTRA_ALLOWED_TENANT_IDS: `${tenant},${partnerTenant}`,
        // Entra mode needs a real Azure credential; no test here reaches ARM.
        AZURE_TENANT_ID: tenant,
        AZURE_CLIENT_ID: api,
        AZURE_CLIENT_SECRET: "not-used-by-these-tests",
      },
      overrides: { entraJwks: { url: jwks.url, cooldownMs: 0 } },
    });
  });
  afterAll(async () => {
    await bff?.close();
    await jwks?.close();
    await emulator?.stop();
  });

  it("serves MSAL settings for Entra ID and runs no local issuer", async () => {
    const res = await request(bff.app).get("/api/auth/config");
    expect(res.body).toEqual({
      mode: "entra",
      clientId: spa,
      authority: `https://login.microsoftonline.com/${tenant}`,
      knownAuthorities: ["login.microsoftonline.com"],
      protocolMode: "AAD",
      apiScope: `api://${api}/access_as_user`,
    });
    expect(bff.localIssuer).toBeNull();
    expect((await request(bff.app).get("/oidc/.well-known/openid-configuration")).status).toBe(404);
  });

  it("lets MSAL reach Entra ID from the SPA (CSP connect-src and frame-src)", async () => {
    const csp = (await request(bff.app).get("/api/auth/config")).headers["content-security-policy"] ?? "";
    expect(csp).toContain("connect-src 'self' https://login.microsoftonline.com");
    expect(csp).toContain("frame-src 'self' https://login.microsoftonline.com");
  });

  it("accepts an Entra ID v2 token: app roles become tenant roles, unknown ones are listed as ignored", async () => {
    const res = await me(await sign(entraClaims()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { oid: "0e0e0e0e-0000-4000-8000-000000000001", name: "Pat Platform", username: "pat@contoso.com", tenantId: tenant },
      tenantRoles: ["Admin"],
      ignoredRoles: ["Jit.Unknown"],
    });
  });

  it.each<[string, JWTPayload, number, string?]>([
    ["audience as the Application ID URI", { aud: `api://${api}` }, 200],
    ["a user of an allowed partner tenant", { tid: partnerTenant, iss: `https://login.microsoftonline.com/${partnerTenant}/v2.0` }, 200],
    ["a user of another tenant", { tid: strangerTenant, iss: `https://login.microsoftonline.com/${strangerTenant}/v2.0` }, 401, "tenant not allowed"],
    ["a v1 token (sts.windows.net issuer)", { iss: `https://sts.windows.net/${tenant}/`, ver: "1.0" }, 401, "wrong issuer"],
    ["a token for Microsoft Graph", { aud: "00000003-0000-0000-c000-000000000000" }, 401, "wrong audience"],
    ["the SPA's ID token", { aud: spa, scp: undefined }, 401, "wrong audience"],
    ["an expired token", { exp: Math.floor(Date.now() / 1000) - 600 }, 401, "expired"],
  ])("%s: %i", async (_name, overrides, status, reason) => {
    const res = await me(await sign(entraClaims(overrides)));
    expect(res.status).toBe(status);
    if (reason !== undefined) expect(res.body.error.message).toBe(`Invalid access token: ${reason}`);
  });

  it("fetches Entra's keys again when a token names a new kid (key rotation)", async () => {
    await me(await sign(entraClaims()));
    const before = jwks.fetches();
    const rotated = await generateKeyPair("RS256", { extractable: true });
    jwks.publish({ keys: [await publicJwk(current, "entra-1"), await publicJwk(rotated, "entra-2")] });
    const res = await me(await sign(entraClaims(), rotated, "entra-2"));
    expect(res.status).toBe(200);
    expect(jwks.fetches()).toBe(before + 1);
    // Cached afterwards: known kids cost no fetch.
    await me(await sign(entraClaims(), rotated, "entra-2"));
    await me(await sign(entraClaims()));
    expect(jwks.fetches()).toBe(before + 1);
  });

  it("refuses a token signed by a key Entra never published", async () => {
    const stranger = await generateKeyPair("RS256");
    const res = await me(await sign(entraClaims(), stranger, "entra-1"));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("Invalid access token: bad signature");
  });
});
