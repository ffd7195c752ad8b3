import { createHash, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { createLocalIssuer } from "../create-local-issuer.ts";
import { demoPassword } from "../demo-users.ts";
import type { LocalIssuer, LocalIssuerOptions } from "../types.ts";
import type { TestBrowser } from "./test-browser.ts";

export const TENANT_ID = "7f3c9a52-4b1d-4e8f-9a6c-2d5e8b1f0a77";
export const SPA_CLIENT_ID = "portcullis-spa";
export const API_AUDIENCE = "api://portcullis";
export const API_SCOPE = "api://portcullis/access_as_user";
export const ARM_AUDIENCE = "https://management.azure.com/";
export const BFF_CLIENT = { clientId: "portcullis-bff", clientSecret: "local-bff-secret-0123456789", audiences: [ARM_AUDIENCE] };
/** What MSAL sends: the API scope plus its default OIDC scopes. */
export const MSAL_SCOPE = `${API_SCOPE} openid profile offline_access`;

export interface RunningIssuer {
  origin: string;
  /** The https identifier placed in tokens (never fetched). */
  issuerId: string;
  /** http URL the issuer is really served at. */
  baseUrl: string;
  redirectUri: string;
  postLogoutUri: string;
  issuer: LocalIssuer;
  close(): Promise<void>;
}

/** Mounts a fresh issuer at /oidc in an Express app on a random port, as the BFF will. */
export async function startIssuer(overrides: Partial<LocalIssuerOptions> = {}, { parseBodiesFirst = false } = {}): Promise<RunningIssuer> {
  const app = express();
  // A host app that parses bodies before the issuer (not recommended, but it must not break sign-in).
  if (parseBodiesFirst) app.use(express.urlencoded({ extended: false }), express.json());
  // The issuer needs the port in its URLs, so it is mounted once the server listens.
  const mounted: { handler?: LocalIssuer["handler"] } = {};
  app.use("/oidc", (req, res, next) => (mounted.handler ? mounted.handler(req, res) : next()));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://localhost:${port}`;
  const options: LocalIssuerOptions = {
    issuer: `https://localhost:${port}/oidc`,
    publicBaseUrl: `${origin}/oidc`,
    dataDir: null,
    spaClient: { clientId: SPA_CLIENT_ID, redirectUris: [`${origin}/`], postLogoutRedirectUris: [`${origin}/signed-out`] },
    apiAudience: API_AUDIENCE,
    apiScope: API_SCOPE,
    serviceClients: [BFF_CLIENT],
    tenantId: TENANT_ID,
    ...overrides,
  };
  const issuer = await createLocalIssuer(options);
  mounted.handler = issuer.handler;
  let closing: Promise<void> | undefined;
  return {
    origin,
    issuerId: options.issuer,
    baseUrl: options.publicBaseUrl,
    redirectUri: `${origin}/`,
    postLogoutUri: `${origin}/signed-out`,
    issuer,
    close() {
      closing ??= (async () => {
        await issuer.close();
        server.closeAllConnections();
        await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      })();
      return closing;
    },
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(running: RunningIssuer, params: Record<string, string>): URL {
  const url = new URL(running.issuer.metadata.authorization_endpoint);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

export interface SignInResult {
  code: string;
  callback: URL;
  verifier: string;
  nonce: string;
}

const isIssuerUrl = (running: RunningIssuer) => (url: URL) => url.href.startsWith(`${running.baseUrl}/`);

/** Starts an authorization request and follows it to the login page; returns that page and its URL. */
export async function openLoginPage(running: RunningIssuer, browser: TestBrowser, params: Record<string, string>): Promise<{ html: string; url: URL; status: number }> {
  const { response, url } = await browser.follow(authorizeUrl(running, params), isIssuerUrl(running));
  return { html: await response.text(), url, status: response.status };
}

/** Follows the issuer's redirects (and self-posting forms) until the browser is sent elsewhere; returns that URL. */
export async function leaveIssuer(running: RunningIssuer, browser: TestBrowser, from: URL): Promise<URL> {
  let { response, url } = await browser.follow(from, isIssuerUrl(running));
  for (let forms = 0; response.status === 200 && forms < 3; forms++) {
    const submitted = await browser.submitAutoPostForm(await response.text(), url);
    if (!submitted) break;
    const location = submitted.response.headers.get("location");
    if (location === null) return submitted.url;
    ({ response, url } = await browser.follow(new URL(location, submitted.url), isIssuerUrl(running)));
    if (!isIssuerUrl(running)(url)) return url;
  }
  return url;
}

/** Drives an authorization request URL through the login page to the SPA's redirect URI, returning that URL. */
export async function signInThrough(running: RunningIssuer, browser: TestBrowser, start: URL, username: string, password: string = demoPassword): Promise<URL> {
  const { response, url: loginUrl } = await browser.follow(start, isIssuerUrl(running));
  if (response.status !== 200) throw new Error(`expected the login page, got ${response.status}`);
  const posted = await browser.submitForm(loginUrl, { username, password });
  if (posted.status !== 303) throw new Error(`sign-in as ${username} failed with ${posted.status}`);
  const callback = await leaveIssuer(running, browser, new URL(posted.headers.get("location") ?? "", loginUrl));
  if (!callback.href.startsWith(running.redirectUri) || !callback.searchParams.get("code")) {
    throw new Error(`sign-in ended at ${callback.origin}${callback.pathname} without a code`);
  }
  return callback;
}

/** A full interactive sign-in as a browser would do it, ending at the SPA's redirect URI with a code. */
export async function signIn(
  running: RunningIssuer,
  browser: TestBrowser,
  username: string,
  { password = demoPassword, scope = MSAL_SCOPE }: { password?: string; scope?: string } = {},
): Promise<SignInResult> {
  const { verifier, challenge } = pkcePair();
  const nonce = randomBytes(8).toString("hex");
  const start = authorizeUrl(running, {
    client_id: SPA_CLIENT_ID,
    response_type: "code",
    redirect_uri: running.redirectUri,
    scope,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "state-1",
    nonce,
  });
  const callback = await signInThrough(running, browser, start, username, password);
  return { code: callback.searchParams.get("code") ?? "", callback, verifier, nonce };
}

export async function tokenRequest(running: RunningIssuer, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(running.issuer.metadata.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function redeemCode(running: RunningIssuer, signedIn: SignInResult): Promise<{ status: number; body: Record<string, unknown> }> {
  return tokenRequest(running, {
    grant_type: "authorization_code",
    client_id: SPA_CLIENT_ID,
    code: signedIn.code,
    redirect_uri: running.redirectUri,
    code_verifier: signedIn.verifier,
    scope: MSAL_SCOPE,
  });
}

export function clientCredentials(running: RunningIssuer, fields: Partial<Record<"client_id" | "client_secret" | "scope", string>> = {}) {
  return tokenRequest(running, {
    grant_type: "client_credentials",
    client_id: BFF_CLIENT.clientId,
    client_secret: BFF_CLIENT.clientSecret,
    scope: "https://management.azure.com/.default",
    ...fields,
  });
}
