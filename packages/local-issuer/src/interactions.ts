import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { errors } from "oidc-provider";
import { sendPage } from "./html.ts";
import { FormBodyError, readFormBody } from "./form-body.ts";
import { loginPageBody, WRONG_CREDENTIALS } from "./login-page.ts";
import type { UserDirectory } from "./demo-users.ts";
import type { DemoUser } from "./types.ts";

export interface InteractionDeps {
  provider: Provider;
  directory: UserDirectory;
  users: DemoUser[];
  /** Clients whose consent is implied (the SPA, the CLI). */
  firstPartyClientIds: ReadonlySet<string>;
}

type InteractionDetails = Awaited<ReturnType<Provider["interactionDetails"]>>;

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * An explicit prompt=consent from a first-party client (the SPA, the CLI) is answered without a screen, like the implicit grant in
 * loadExistingGrant: everything it asked for is recorded in its Grant.
 */
async function autoConsent(provider: Provider, details: InteractionDetails, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const accountId = details.session?.accountId;
  const clientId = typeof details.params.client_id === "string" ? details.params.client_id : undefined;
  if (!accountId || !clientId) throw new errors.SessionNotFound("consent without a signed-in account");
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details;
  const oidcScopes = stringList(missing.missingOIDCScope);
  if (oidcScopes.length > 0) grant.addOIDCScope(oidcScopes.join(" "));
  const claims = stringList(missing.missingOIDCClaims);
  if (claims.length > 0) grant.addOIDCClaims(claims);
  const resourceScopes = typeof missing.missingResourceScopes === "object" && missing.missingResourceScopes !== null ? missing.missingResourceScopes : {};
  for (const [indicator, scopes] of Object.entries(resourceScopes)) {
    const list = stringList(scopes);
    if (list.length > 0) grant.addResourceScope(indicator, list.join(" "));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: existing ? {} : { grantId } }, { mergeWithLastSubmission: true });
}

/** `/interaction/<uid>` relative to the mount point; uids are oidc-provider nanoids. */
export const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{10,64})$/;

function clientNameOf(params: Record<string, unknown>, provider: Provider): Promise<string> {
  const clientId = typeof params.client_id === "string" ? params.client_id : "";
  return provider.Client.find(clientId).then((client) => (typeof client?.clientName === "string" ? client.clientName : clientId));
}

function firstValue(value: unknown): string {
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : "";
  return typeof value === "string" ? value : "";
}

/**
 * The login step of an authorization request. CSRF-safe because the interaction uid in the path must match the
 * httpOnly, SameSite=Lax interaction cookie oidc-provider set for exactly this path.
 */
export async function handleInteraction(deps: InteractionDeps, req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
  const { provider, directory, users } = deps;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new errors.SessionNotFound("interaction uid does not match the interaction cookie");

  if (details.prompt.name === "consent" && typeof details.params.client_id === "string" && deps.firstPartyClientIds.has(details.params.client_id)) {
    await autoConsent(provider, details, req, res);
    return;
  }
  // select_account (which MSAL apps often send) is answered by signing in again, as the account picker.
  if (details.prompt.name !== "login" && details.prompt.name !== "select_account") {
    await provider.interactionFinished(req, res, { error: "access_denied", error_description: `the local issuer cannot satisfy the ${details.prompt.name} prompt` }, { mergeWithLastSubmission: false });
    return;
  }

  const action = originalPath(req);
  const clientName = await clientNameOf(details.params, provider);

  if (req.method === "GET" || req.method === "HEAD") {
    const loginHint = firstValue(details.params.login_hint);
    sendPage(res, 200, "Sign in", loginPageBody({ action, clientName, username: loginHint, error: undefined, users }));
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "GET, POST" }).end();
    return;
  }

  const form = await readFormBody(req);
  const username = firstValue(form.username);
  const user = directory.authenticate(username, firstValue(form.password));
  if (!user) {
    sendPage(res, 200, "Sign in", loginPageBody({ action, clientName, username, error: WRONG_CREDENTIALS, users }));
    return;
  }
  // Signing in also answers a pending select_account prompt; the extra key is ignored when none was requested.
  await provider.interactionFinished(req, res, { login: { accountId: user.oid }, select_account: {} }, { mergeWithLastSubmission: false });
}

/** The browser-visible path of this request (Express strips the mount path from req.url but keeps originalUrl). */
function originalPath(req: IncomingMessage): string {
  const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  return original.split("?")[0] ?? "/";
}

export function sendInteractionError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof FormBodyError) {
    sendPage(res, 400, "Bad request", `<h1>Bad request</h1><p>The sign-in form could not be read.</p>`);
    return;
  }
  if (error instanceof errors.SessionNotFound) {
    sendPage(res, 400, "Sign-in expired", `<h1>Sign-in expired</h1><p>This sign-in page is no longer valid. Go back to the application and sign in again.</p>`);
    return;
  }
  console.error(`local issuer: interaction failed: ${error instanceof Error ? error.message : "unknown error"}`);
  sendPage(res, 500, "Sign-in failed", `<h1>Sign-in failed</h1><p>Something went wrong. Go back to the application and try again.</p>`);
}
