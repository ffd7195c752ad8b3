import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { demoPassword, demoUsers } from "./demo-users.ts";
import {
  API_AUDIENCE,
  MSAL_SCOPE,
  SPA_CLIENT_ID,
  TENANT_ID,
  leaveIssuer,
  openLoginPage,
  pkcePair,
  redeemCode,
  signIn,
  startIssuer,
  tokenRequest,
  type RunningIssuer,
} from "./testing/issuer-server.ts";
import { TestBrowser } from "./testing/test-browser.ts";

let running: RunningIssuer;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  running = await startIssuer();
  jwks = createRemoteJWKSet(new URL(running.issuer.metadata.jwks_uri));
});
afterAll(() => running.close());

function loginParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: SPA_CLIENT_ID,
    response_type: "code",
    redirect_uri: running.redirectUri,
    scope: MSAL_SCOPE,
    code_challenge: pkcePair().challenge,
    code_challenge_method: "S256",
    state: "s",
    nonce: "n",
    ...overrides,
  };
}

describe("the login page", () => {
  it("has labelled Username and Password fields and a Sign in button", async () => {
    const page = await openLoginPage(running, new TestBrowser(), loginParams());
    expect(page.status).toBe(200);
    expect(page.url.pathname).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    expect(page.html).toMatch(/<label for="username">Username<\/label>\s*<input id="username" name="username"/);
    expect(page.html).toMatch(/<label for="password">Password<\/label>\s*<input id="password" name="password" type="password"/);
    expect(page.html).toContain('<button type="submit">Sign in</button>');
    expect(page.html).not.toMatch(/<(script|link|img)\b/);
  });

  it("when the password is wrong, then it shows the error and signs nobody in", async () => {
    const browser = new TestBrowser();
    const page = await openLoginPage(running, browser, loginParams());
    const response = await browser.submitForm(page.url, { username: "admin@contoso.test", password: "not-the-password" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Wrong username or password");
    expect(html).toContain('value="admin@contoso.test"');
    expect(browser.cookieNames()).not.toContain("portcullis_oidc_session");
  });

  it("escapes what the request put on the page", async () => {
    const page = await openLoginPage(running, new TestBrowser(), loginParams({ login_hint: '"><script>alert(1)</script>' }));
    expect(page.html).not.toContain("<script>");
    expect(page.html).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("when the interaction cookie is missing, then posting the form is refused", async () => {
    const page = await openLoginPage(running, new TestBrowser(), loginParams());
    const response = await new TestBrowser().submitForm(page.url, { username: "admin@contoso.test", password: demoPassword });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });
});

describe("authorization code flow with PKCE", () => {
  it.each(demoUsers.map((user) => [user.username, user] as const))("when %s signs in, then the access token carries their Entra-style claims", async (_username, user) => {
    const signedIn = await signIn(running, new TestBrowser(), user.username);
    const { status, body } = await redeemCode(running, signedIn);
    expect(status).toBe(200);
    expect(body.token_type).toBe("Bearer");

    const accessToken = String(body.access_token);
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, { issuer: running.issuerId, audience: API_AUDIENCE, algorithms: ["RS256"] });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      iss: running.issuerId,
      aud: API_AUDIENCE,
      sub: user.oid,
      oid: user.oid,
      tid: TENANT_ID,
      preferred_username: user.username,
      name: user.name,
      scp: "access_as_user",
      azp: SPA_CLIENT_ID,
      ver: "2.0",
    });
    expect(payload.roles ?? []).toEqual(user.roles);
    expect(payload.groups ?? []).toEqual(user.groups);
    expect(payload.nbf).toBe(payload.iat);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
    expect(payload).not.toHaveProperty("scope");
    expect(payload).not.toHaveProperty("client_id");

    const { payload: idToken } = await jwtVerify(String(body.id_token), jwks, { issuer: running.issuerId, audience: SPA_CLIENT_ID });
    expect(idToken).toMatchObject({ oid: user.oid, tid: TENANT_ID, preferred_username: user.username, name: user.name, nonce: signedIn.nonce });
    expect(idToken.roles ?? []).toEqual(user.roles);
  });

  it("returns the issuer identifier, not the http address, with the code", async () => {
    const signedIn = await signIn(running, new TestBrowser(), "reader@contoso.test");
    expect(signedIn.callback.searchParams.get("iss")).toBe(running.issuerId);
    expect(signedIn.callback.searchParams.get("state")).toBe("state-1");
  });

  it("when the verifier does not match the challenge, then the code is refused", async () => {
    const signedIn = await signIn(running, new TestBrowser(), "dev@contoso.test");
    const { status, body } = await redeemCode(running, { ...signedIn, verifier: pkcePair().verifier });
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_grant");
  });

  it.each([
    ["no code_challenge", { code_challenge: "" }],
    ["the plain method", { code_challenge_method: "plain" }],
  ])("when the request uses %s, then it is refused", async (_case, override) => {
    const params = loginParams(override);
    if (params.code_challenge === "") delete params.code_challenge;
    const { url } = await openLoginPage(running, new TestBrowser(), params);
    expect(url.href.startsWith(running.redirectUri)).toBe(true);
    expect(url.searchParams.get("error")).toBe("invalid_request");
    expect(url.searchParams.has("code")).toBe(false);
  });

  it("when an account already has a session, then a silent (prompt=none) request gets a code without the login page", async () => {
    const browser = new TestBrowser();
    await signIn(running, browser, "approver@contoso.test");
    const { url } = await openLoginPage(running, browser, loginParams({ prompt: "none" }));
    expect(url.searchParams.get("code")).toEqual(expect.any(String));
  });
});

describe("prompt values MSAL may send", () => {
  it.each(["select_account", "login"])("when a signed-in user is asked for prompt=%s, then the login page lets them pick another account", async (prompt) => {
    const browser = new TestBrowser();
    await signIn(running, browser, "dev@contoso.test");
    const { verifier, challenge } = pkcePair();
    const page = await openLoginPage(running, browser, loginParams({ prompt, code_challenge: challenge }));
    expect(page.html).toContain('<label for="password">Password</label>');
    const posted = await browser.submitForm(page.url, { username: "auditor@contoso.test", password: demoPassword });
    expect(posted.status).toBe(303);
    // Another account on an existing session: oidc-provider first ends the old session with a self-posting form.
    const url = await leaveIssuer(running, browser, new URL(posted.headers.get("location") ?? "", page.url));
    const tokens = await redeemCode(running, { code: url.searchParams.get("code") ?? "", verifier, callback: url, nonce: "n" });
    const { payload } = await jwtVerify(String(tokens.body.access_token), jwks, { issuer: running.issuerId, audience: API_AUDIENCE });
    expect(payload.preferred_username).toBe("auditor@contoso.test");
  });

  it("when a signed-in user is asked for prompt=consent, then the first-party SPA gets a code without a consent screen", async () => {
    const browser = new TestBrowser();
    await signIn(running, browser, "approver@contoso.test");
    const { url } = await openLoginPage(running, browser, loginParams({ prompt: "consent" }));
    expect(url.href.startsWith(running.redirectUri)).toBe(true);
    expect(url.searchParams.get("code")).toEqual(expect.any(String));
  });

  it("when nobody is signed in, then prompt=none answers login_required", async () => {
    const { url } = await openLoginPage(running, new TestBrowser(), loginParams({ prompt: "none" }));
    expect(url.searchParams.get("error")).toBe("login_required");
  });
});

describe("browser specifics", () => {
  it("when the SPA asks for the fragment response mode, then the code comes back in the fragment", async () => {
    const browser = new TestBrowser();
    await signIn(running, browser, "reader@contoso.test");
    const { url } = await openLoginPage(running, browser, loginParams({ response_mode: "fragment" }));
    const fragment = new URLSearchParams(url.hash.slice(1));
    expect(url.search).toBe("");
    expect(fragment.get("code")).toEqual(expect.any(String));
    expect(fragment.get("state")).toBe("s");
  });

  it.each([
    ["the portal's own origin", () => running.origin, 200],
    ["a foreign origin", () => "https://evil.example", 400],
  ])("when the token request comes from %s, then CORS answers accordingly", async (_case, origin, status) => {
    const signedIn = await signIn(running, new TestBrowser(), "dev@contoso.test");
    const response = await fetch(running.issuer.metadata.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: origin() },
      body: new URLSearchParams({ grant_type: "authorization_code", client_id: SPA_CLIENT_ID, code: signedIn.code, redirect_uri: running.redirectUri, code_verifier: signedIn.verifier }).toString(),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get("access-control-allow-origin")).toBe(status === 200 ? origin() : null);
  });
});

describe("refresh tokens", () => {
  it("when MSAL refreshes with its default scopes (offline_access included), then it gets a new access token and a rotated refresh token", async () => {
    const signedIn = await signIn(running, new TestBrowser(), "admin@contoso.test");
    const first = await redeemCode(running, signedIn);
    expect(first.body.refresh_token).toEqual(expect.any(String));

    const refreshed = await tokenRequest(running, { grant_type: "refresh_token", client_id: SPA_CLIENT_ID, refresh_token: String(first.body.refresh_token), scope: MSAL_SCOPE });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const { payload } = await jwtVerify(String(refreshed.body.access_token), jwks, { issuer: running.issuerId, audience: API_AUDIENCE });
    expect(payload).toMatchObject({ oid: demoUsers[0]?.oid, scp: "access_as_user", roles: ["Jit.Admin"] });
    expect(decodeProtectedHeader(String(refreshed.body.access_token)).typ).toBe("JWT");

    const replay = await tokenRequest(running, { grant_type: "refresh_token", client_id: SPA_CLIENT_ID, refresh_token: String(first.body.refresh_token) });
    expect(replay.body.error).toBe("invalid_grant");
  });
});

describe("when the host app parses request bodies before the issuer", () => {
  it("then sign-in, code redemption and MSAL-style refresh still work", async () => {
    // oidc-provider warns once about the upstream parser; that warning is the point of this setup.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const parsed = await startIssuer({}, { parseBodiesFirst: true });
    try {
      const first = await redeemCode(parsed, await signIn(parsed, new TestBrowser(), "dev@contoso.test"));
      expect(first.status).toBe(200);
      const refreshed = await tokenRequest(parsed, { grant_type: "refresh_token", client_id: SPA_CLIENT_ID, refresh_token: String(first.body.refresh_token), scope: MSAL_SCOPE });
      expect(refreshed.status).toBe(200);
    } finally {
      await parsed.close();
      warn.mockRestore();
    }
  });
});
