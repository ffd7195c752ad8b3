import { ROUTES } from "./provider-config.ts";
import { SCOPE_CLAIMS } from "./token-claims.ts";
import type { IssuerMetadata } from "./types.ts";

/** The same endpoints discovery reports when it is fetched at publicBaseUrl. */
export function issuerMetadata(issuer: string, publicBaseUrl: string): IssuerMetadata {
  const base = publicBaseUrl.replace(/\/+$/, "");
  return {
    issuer,
    authorization_endpoint: `${base}${ROUTES.authorization}`,
    token_endpoint: `${base}${ROUTES.token}`,
    end_session_endpoint: `${base}${ROUTES.end_session}`,
    device_authorization_endpoint: `${base}${ROUTES.device_authorization}`,
    jwks_uri: `${base}${ROUTES.jwks}`,
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment", "form_post"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_post"],
    scopes_supported: ["openid", "profile", "offline_access"],
    claims_supported: [...new Set([...SCOPE_CLAIMS.openid, ...SCOPE_CLAIMS.profile])],
  };
}
