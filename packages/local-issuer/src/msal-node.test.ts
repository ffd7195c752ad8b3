import { ConfidentialClientApplication, CryptoProvider, ProtocolMode, PublicClientApplication, type Configuration } from "@azure/msal-node";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_AUDIENCE, API_SCOPE, ARM_AUDIENCE, BFF_CLIENT, SPA_CLIENT_ID, TENANT_ID, signInThrough, startIssuer, type RunningIssuer } from "./testing/issuer-server.ts";
import { TestBrowser } from "./testing/test-browser.ts";
import { demoUsers } from "./demo-users.ts";

let running: RunningIssuer;
let jwks: ReturnType<typeof createRemoteJWKSet>;
beforeAll(async () => {
  running = await startIssuer();
  jwks = createRemoteJWKSet(new URL(running.issuer.metadata.jwks_uri));
});
afterAll(() => running.close());

/**
 * The MSAL settings the BFF and the SPA use locally: an https authority string that is never fetched (MSAL refuses
 * http authorities), its host in knownAuthorities (no instance discovery), and the real http endpoints in
 * authorityMetadata (no discovery request either).
 */
function msalConfig(auth: { clientId: string; clientSecret?: string }): Configuration {
  return {
    auth: {
      ...auth,
      authority: running.issuerId,
      knownAuthorities: [new URL(running.issuerId).host],
      authorityMetadata: JSON.stringify(running.issuer.metadata),
    },
    system: { protocolMode: ProtocolMode.OIDC },
  };
}

describe("MSAL Node against the local issuer", () => {
  it("acquires the BFF's Azure token with client credentials", async () => {
    const app = new ConfidentialClientApplication(msalConfig({ clientId: BFF_CLIENT.clientId, clientSecret: BFF_CLIENT.clientSecret }));
    const result = await app.acquireTokenByClientCredential({ scopes: ["https://management.azure.com/.default"] });
    expect(result?.accessToken).toEqual(expect.any(String));
    const { payload } = await jwtVerify(result?.accessToken ?? "", jwks, { issuer: running.issuerId, audience: ARM_AUDIENCE });
    expect(payload).toMatchObject({ azp: BFF_CLIENT.clientId, tid: TENANT_ID, idtyp: "app" });

    const cached = await app.acquireTokenByClientCredential({ scopes: ["https://management.azure.com/.default"] });
    expect(cached?.accessToken).toBe(result?.accessToken);
  });

  it("rejects a wrong client secret", async () => {
    const app = new ConfidentialClientApplication(msalConfig({ clientId: BFF_CLIENT.clientId, clientSecret: "not-the-secret-0123456789" }));
    await expect(app.acquireTokenByClientCredential({ scopes: ["https://management.azure.com/.default"] })).rejects.toMatchObject({ errorCode: "invalid_client" });
  });

  it("signs a user in with auth code + PKCE and renews silently with the refresh token, as msal-browser does", async () => {
    const user = demoUsers.find((candidate) => candidate.username === "approver@contoso.test");
    const app = new PublicClientApplication(msalConfig({ clientId: SPA_CLIENT_ID }));
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const start = await app.getAuthCodeUrl({ scopes: [API_SCOPE], redirectUri: running.redirectUri, codeChallenge: challenge, codeChallengeMethod: "S256" });
    expect(start.startsWith(running.issuer.metadata.authorization_endpoint)).toBe(true);

    const callback = await signInThrough(running, new TestBrowser(), new URL(start), "approver@contoso.test");
    const signedIn = await app.acquireTokenByCode({ code: callback.searchParams.get("code") ?? "", scopes: [API_SCOPE], redirectUri: running.redirectUri, codeVerifier: verifier });
    expect(signedIn.account).toMatchObject({ username: "approver@contoso.test", localAccountId: user?.oid, tenantId: TENANT_ID, name: user?.name });
    expect(signedIn.idTokenClaims).toMatchObject({ roles: ["Jit.Approver"] });
    const first = await jwtVerify(signedIn.accessToken, jwks, { issuer: running.issuerId, audience: API_AUDIENCE });
    expect(first.payload).toMatchObject({ scp: "access_as_user", roles: ["Jit.Approver"] });

    const account = signedIn.account;
    if (!account) throw new Error("no account");
    const renewed = await app.acquireTokenSilent({ account, scopes: [API_SCOPE], forceRefresh: true });
    expect(renewed.fromCache).toBe(false);
    expect(renewed.accessToken).not.toBe(signedIn.accessToken);
    const second = await jwtVerify(renewed.accessToken, jwks, { issuer: running.issuerId, audience: API_AUDIENCE });
    expect(second.payload).toMatchObject({ oid: user?.oid, scp: "access_as_user" });
  });
});
