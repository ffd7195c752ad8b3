import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { tamper, unsignedToken } from "../../test-support/tokens.ts";
import { createTokenValidator, refreshingLocalJwks, TokenRejectedError, type TokenProblem, type TokenValidator } from "./token-validator.ts";

const tenant = "11111111-1111-4111-8111-111111111111";
const otherTenant = "22222222-2222-4222-8222-222222222222";
const api = "33333333-3333-4333-8333-333333333333";
const issuerFor = (tid: string) => `https://login.microsoftonline.com/${tid}/v2.0`;

type Key = Parameters<SignJWT["sign"]>[0];
let signing: Awaited<ReturnType<typeof generateKeyPair>>;
let forger: Key;
let jwks: JSONWebKeySet;
let validate: TokenValidator;

/** An Entra ID v2 access token for the API, as Entra shapes it. */
function claims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: api,
    iss: issuerFor(tenant),
    iat: now,
    nbf: now,
    exp: now + 3600,
    aio: "x",
    azp: "44444444-4444-4444-8444-444444444444",
    azpacr: "0",
    name: "Dana",
    oid: "55555555-5555-4555-8555-555555555555",
    preferred_username: "dana@contoso.com",
    rh: "x",
    scp: "access_as_user",
    sub: "s",
    tid: tenant,
    uti: "u",
    ver: "2.0",
    ...overrides,
  };
}

function sign(payload: JWTPayload, key: Key = signing.privateKey, kid = "key-1", alg = "RS256"): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(key);
}

async function problemOf(token: string): Promise<TokenProblem | "accepted"> {
  try {
    await validate(token);
    return "accepted";
  } catch (error) {
    if (error instanceof TokenRejectedError) return error.problem;
    throw error;
  }
}

beforeAll(async () => {
  signing = await generateKeyPair("RS256", { extractable: true });
  forger = (await generateKeyPair("RS256")).privateKey;
  jwks = { keys: [{ ...(await exportJWK(signing.publicKey)), kid: "key-1", alg: "RS256", use: "sig" }] };
  validate = createTokenValidator({
    issuerFor,
    audiences: [api, `api://${api}`],
    allowedTenantIds: [tenant],
    keys: createLocalJWKSet(jwks),
    requiredScope: "access_as_user",
    keySource: "test keys",
  });
});

describe("the access-token validator", () => {
  it("accepts an Entra ID v2 token for the API and returns its claims", async () => {
    const payload = await validate(await sign(claims()));
    expect(payload).toMatchObject({ oid: "55555555-5555-4555-8555-555555555555", tid: tenant });
  });

  it("accepts an app-only token (idtyp=app, no delegated scope): whether it holds a role is decided after validation", async () => {
    expect(await problemOf(await sign(claims({ scp: undefined, roles: ["Jit.Requester"], idtyp: "app" })))).toBe("accepted");
  });

  it("accepts the api:// form of the audience (v1-style tokens name the Application ID URI)", async () => {
    expect(await problemOf(await sign(claims({ aud: `api://${api}` })))).toBe("accepted");
  });

  it.each<[string, () => Promise<string>, TokenProblem | "accepted"]>([
    ["expired an hour ago", () => sign(claims({ exp: Math.floor(Date.now() / 1000) - 3600 })), "expired"],
    ["expired 30 s ago (within the 60 s skew)", () => sign(claims({ exp: Math.floor(Date.now() / 1000) - 30 })), "accepted"],
    ["valid from in 10 minutes", () => sign(claims({ nbf: Math.floor(Date.now() / 1000) + 600 })), "not yet valid"],
    ["for another audience", () => sign(claims({ aud: "https://graph.microsoft.com" })), "wrong audience"],
    ["from another issuer", () => sign(claims({ iss: "https://sts.windows.net/" + tenant + "/" })), "wrong issuer"],
    ["from a tenant that is not allowed", () => sign(claims({ tid: otherTenant, iss: issuerFor(otherTenant) })), "tenant not allowed"],
    ["signed by another key under the right kid (forged)", () => sign(claims(), forger), "bad signature"],
    ["signed by a key the issuer never published", () => sign(claims(), forger, "unknown-kid"), "bad signature"],
    ["with a tampered payload", async () => tamper(await sign(claims()), (p) => (p["roles"] = ["Jit.Admin"])), "bad signature"],
    ["with alg none", async () => unsignedToken(claims()), "unsupported algorithm"],
    ["signed with HS256", () => sign(claims(), new TextEncoder().encode("a-shared-secret-of-32-bytes-long!"), "key-1", "HS256"), "unsupported algorithm"],
    ["without the delegated scope and without idtyp=app (a user token cannot pass as an app)", () => sign(claims({ scp: undefined, roles: ["Jit.Admin"] })), "missing scope"],
    ["without oid", () => sign(claims({ oid: undefined })), "malformed"],
    ["without exp", () => sign(claims({ exp: undefined })), "malformed"],
  ])("refuses a token %s", async (_name, make, expected) => {
    expect(await problemOf(await make())).toBe(expected);
  });

  it.each(["", "not-a-jwt", "a.b.c", "x".repeat(20_000)])("calls %j malformed", async (token) => {
    expect(await problemOf(token)).toBe("malformed");
  });

  it("refuses HS256 signed with the public key's bytes (the key-confusion attack)", async () => {
    const publicJwk = JSON.stringify(jwks.keys[0]);
    const token = await sign(claims(), new TextEncoder().encode(publicJwk), "key-1", "HS256");
    expect(await problemOf(token)).toBe("unsupported algorithm");
  });
});

describe("keys of an in-process issuer", () => {
  it("are re-read when a token names an unknown kid (a rotated key)", async () => {
    const rotated = await generateKeyPair("RS256", { extractable: true });
    let published: JSONWebKeySet = jwks;
    let loads = 0;
    const check = createTokenValidator({
      issuerFor,
      audiences: [api],
      allowedTenantIds: [tenant],
      keys: refreshingLocalJwks(async () => {
        loads += 1;
        return published;
      }),
      requiredScope: "access_as_user",
      keySource: "test keys",
    });
    await check(await sign(claims()));
    await check(await sign(claims()));
    expect(loads).toBe(1);

    const next = await sign(claims(), rotated.privateKey, "key-2");
    await expect(check(next)).rejects.toMatchObject({ problem: "bad signature" });
    published = { keys: [...jwks.keys, { ...(await exportJWK(rotated.publicKey)), kid: "key-2", alg: "RS256", use: "sig" }] };
    await expect(check(next)).resolves.toMatchObject({ tid: tenant });
    await expect(check(await sign(claims()))).resolves.toMatchObject({ tid: tenant });
  });
});
