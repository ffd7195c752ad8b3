import { IncomingMessage } from "node:http";
import { isFormContentType, readRawBody } from "./form-body.ts";

/*
 * Two places where MSAL (built for Entra ID's lenient behaviour) and oidc-provider (strict OIDC) disagree.
 * Both rewrites only narrow or make explicit what the client already asked for.
 */

type ExpressRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

/** oidc-provider's own body limit for token requests. */
const TOKEN_BODY_LIMIT_BYTES = 56 * 1024;

function withoutOfflineAccess(scope: string): string {
  return scope.split(" ").filter((value) => value !== "offline_access").join(" ");
}

/** A fresh request stream carrying `body`, with the original's socket, method, URL and headers. */
function replayRequest(original: ExpressRequest, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(original.socket) as ExpressRequest;
  replay.method = original.method;
  replay.url = original.url;
  replay.originalUrl = original.originalUrl;
  replay.httpVersion = original.httpVersion;
  replay.httpVersionMajor = original.httpVersionMajor;
  replay.httpVersionMinor = original.httpVersionMinor;
  replay.headers = { ...original.headers, "content-length": String(body.length) };
  replay.rawHeaders = [...original.rawHeaders];
  // Without complete=true, auto-destroy after end would treat the replay as aborted and destroy the shared socket.
  replay.complete = true;
  replay.push(body);
  replay.push(null);
  return replay;
}

const deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

/** The token request's fields as oidc-provider must see them; null when nothing changes. */
function normalizedFields(fields: URLSearchParams): URLSearchParams | null {
  let changed = false;
  // MSAL sends Entra's short grant type for the device flow; oidc-provider knows only RFC 8628's URN.
  if (fields.get("grant_type") === "device_code") {
    fields.set("grant_type", deviceCodeGrant);
    changed = true;
  }
  const scope = fields.get("scope");
  if (fields.get("grant_type") === "refresh_token" && scope !== null && scope.split(" ").includes("offline_access")) {
    fields.set("scope", withoutOfflineAccess(scope));
    changed = true;
  }
  return changed ? fields : null;
}

/**
 * Token requests as MSAL sends them, made acceptable to oidc-provider:
 * - MSAL adds `offline_access` to the scope of every refresh request. oidc-provider only keeps offline_access in a
 *   grant when the authorization request said prompt=consent (OIDC Core 11), so the refresh token never carries it
 *   and the refresh would fail with invalid_scope. Entra ID ignores it; so do we, by dropping it from refresh requests.
 * - MSAL's device flow polls with `grant_type=device_code` (Entra's name); RFC 8628 says
 *   `urn:ietf:params:oauth:grant-type:device_code`.
 */
export async function normalizeTokenRequest(req: ExpressRequest): Promise<IncomingMessage> {
  if (!isFormContentType(req)) return req;
  if (!req.readable) {
    // An upstream body parser got there first; oidc-provider then reads req.body.
    const body = req.body;
    if (typeof body === "object" && body !== null) {
      const fields = body as Record<string, unknown>;
      const normalized = normalizedFields(new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === "string")));
      if (normalized !== null) for (const [name, value] of normalized) fields[name] = value;
    }
    return req;
  }
  const raw = await readRawBody(req, TOKEN_BODY_LIMIT_BYTES);
  const normalized = normalizedFields(new URLSearchParams(raw.toString("utf8")));
  return replayRequest(req, normalized === null ? raw : Buffer.from(normalized.toString(), "utf8"));
}

/**
 * MSAL's logoutRedirect sends post_logout_redirect_uri without client_id or id_token_hint; oidc-provider then drops
 * the redirect (it cannot tell which client registered it). When the URI is one the SPA registered, name the SPA.
 */
export function addSpaClientToLogout(req: ExpressRequest, spaClientId: string, spaPostLogoutUris: ReadonlySet<string>): void {
  const url = new URL(req.url ?? "/", "http://issuer.invalid");
  const target = url.searchParams.get("post_logout_redirect_uri");
  if (target === null || !spaPostLogoutUris.has(target) || url.searchParams.has("client_id") || url.searchParams.has("id_token_hint")) return;
  url.searchParams.set("client_id", spaClientId);
  const rewritten = `${url.pathname}?${url.searchParams.toString()}`;
  const original = req.originalUrl;
  // Keep originalUrl consistent: oidc-provider derives its mount path from originalUrl minus url.
  if (original !== undefined && req.url !== undefined && original.endsWith(req.url)) {
    req.originalUrl = original.slice(0, original.length - req.url.length) + rewritten;
  }
  req.url = rewritten;
}
