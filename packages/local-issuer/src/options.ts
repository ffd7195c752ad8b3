import type { LocalIssuerOptions } from "./types.ts";

export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;

function assertUrl(name: string, value: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`local issuer: ${name} must be an absolute URL`);
  }
  if (!protocols.includes(url.protocol)) throw new Error(`local issuer: ${name} must use ${protocols.join(" or ")}`);
  if (url.search || url.hash) throw new Error(`local issuer: ${name} must not have a query or fragment`);
  return url;
}

function assertText(name: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") throw new Error(`local issuer: ${name} must be a non-empty string`);
}

/** Fails fast at start-up with a message naming the option, instead of an obscure oidc-provider error later. */
export function validateOptions(options: LocalIssuerOptions): { basePath: string; accessTokenTtlSeconds: number } {
  assertUrl("issuer", options.issuer, ["https:", "http:"]);
  const base = assertUrl("publicBaseUrl", options.publicBaseUrl, ["https:", "http:"]);
  assertText("tenantId", options.tenantId);
  assertText("apiAudience", options.apiAudience);
  assertText("spaClient.clientId", options.spaClient.clientId);
  if (!options.apiScope.startsWith(`${options.apiAudience}/`)) {
    throw new Error("local issuer: apiScope must be \"<apiAudience>/<scope name>\", e.g. api://portcullis/access_as_user");
  }
  if (options.spaClient.redirectUris.length === 0) throw new Error("local issuer: spaClient.redirectUris must not be empty");
  for (const uri of [...options.spaClient.redirectUris, ...options.spaClient.postLogoutRedirectUris]) assertUrl("spaClient redirect URI", uri, ["https:", "http:"]);
  const ids = new Set([options.spaClient.clientId]);
  for (const service of options.serviceClients) {
    assertText("serviceClients[].clientId", service.clientId);
    if (ids.has(service.clientId)) throw new Error(`local issuer: client id ${service.clientId} is used twice`);
    ids.add(service.clientId);
    if (typeof service.clientSecret !== "string" || service.clientSecret.length < 16) {
      throw new Error(`local issuer: the secret of ${service.clientId} must have at least 16 characters`);
    }
    if (service.audiences.length === 0) throw new Error(`local issuer: ${service.clientId} needs at least one audience`);
  }
  const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  if (!Number.isSafeInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds <= 0) {
    throw new Error("local issuer: accessTokenTtlSeconds must be a positive integer");
  }
  return { basePath: base.pathname.replace(/\/+$/, ""), accessTokenTtlSeconds };
}
