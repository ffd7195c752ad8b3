import type { Configuration } from "@azure/msal-browser";
import type { AuthConfigResponse } from "@portcullis/contract";

/**
 * MSAL's configuration from the BFF's public sign-in settings. The same code serves Entra ID and the local
 * issuer: only the values differ (ADR 004). `protocolMode` belongs under `system`; under `auth` MSAL
 * ignores it without a word and then talks Entra-specific protocol to the local issuer.
 */
export function msalConfiguration(config: AuthConfigResponse, origin: string): Configuration {
  const home = `${origin}/`;
  return {
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: config.knownAuthorities,
      ...(config.authorityMetadata === undefined ? {} : { authorityMetadata: config.authorityMetadata }),
      redirectUri: home,
      postLogoutRedirectUri: home,
    },
    // Tokens live for the tab's life only: another tab or a closed browser signs in again.
    cache: { cacheLocation: "sessionStorage" },
    system: { protocolMode: config.protocolMode },
  };
}

/** What the SPA asks for at sign-in and for every API call: the API's scope, so the refresh token covers it. */
export function apiScopes(config: AuthConfigResponse): string[] {
  return [config.apiScope];
}
