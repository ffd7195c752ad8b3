import { createHash, randomBytes } from "node:crypto";
import { demoPassword, type IssuerMetadata } from "@portcullis/local-issuer";
import { TestBrowser } from "@portcullis/local-issuer/testing";
import { localApiScope, localSpaClientId } from "../lib/config-auth.ts";

/** What MSAL sends: the API scope plus its default OIDC scopes. */
const msalScope = `${localApiScope} openid profile offline_access`;

/**
 * Signs a demo user in at the BFF's local issuer as the SPA does (authorization code + PKCE, through the login
 * page, with plain fetch and a cookie jar) and returns the access token for the API.
 */
export async function signInAs(bff: { url: string; localIssuer: { metadata: IssuerMetadata } | null }, username: string, password: string = demoPassword): Promise<string> {
  if (bff.localIssuer === null) throw new Error("the BFF runs no local issuer");
  const { metadata } = bff.localIssuer;
  const issuerBase = `${bff.url}/oidc/`;
  const atIssuer = (url: URL) => url.href.startsWith(issuerBase);
  const redirectUri = `${bff.url}/`;
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(metadata.authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: localSpaClientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: msalScope,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    state: "s",
    nonce: randomBytes(8).toString("hex"),
  })) {
    authorize.searchParams.set(name, value);
  }
  const browser = new TestBrowser();
  const login = await browser.follow(authorize, atIssuer);
  if (login.response.status !== 200) throw new Error(`expected the login page, got ${login.response.status}`);
  const posted = await browser.submitForm(login.url, { username, password });
  if (posted.status !== 303) throw new Error(`sign-in as ${username} failed with ${posted.status}`);
  let { response, url } = await browser.follow(new URL(posted.headers.get("location") ?? "", login.url), atIssuer);
  // A consent or session hand-over page submits itself with script in a browser.
  for (let forms = 0; atIssuer(url) && response.status === 200 && forms < 3; forms++) {
    const submitted = await browser.submitAutoPostForm(await response.text(), url);
    if (submitted === undefined) break;
    ({ response, url } = await browser.follow(new URL(submitted.response.headers.get("location") ?? "", submitted.url), atIssuer));
  }
  const code = url.searchParams.get("code");
  if (!url.href.startsWith(redirectUri) || code === null) throw new Error(`sign-in as ${username} ended at ${url.pathname} without a code`);
  const token = await fetch(metadata.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: localSpaClientId, code, redirect_uri: redirectUri, code_verifier: verifier, scope: msalScope }),
  });
  const body = (await token.json()) as { access_token?: string; error?: string };
  if (body.access_token === undefined) throw new Error(`token request for ${username} failed: ${body.error ?? token.status}`);
  return body.access_token;
}
