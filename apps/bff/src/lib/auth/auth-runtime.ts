import type { AuthConfigResponse, OpenApiOAuth } from "@portcullis/contract";
import { createRemoteJWKSet, type JSONWebKeySet } from "jose";
import { localApiAudience, localApiScope, localCliClientId, localSpaClientId, type AuthConfig } from "../config-auth.ts";
import type { LocalIssuerInfo } from "./local-sign-in.ts";
import { createTokenValidator, refreshingLocalJwks, type TokenValidator } from "./token-validator.ts";

/** Token validation and the public sign-in settings of one configuration. */
export interface AuthRuntime {
  validate: TokenValidator;
  /** What GET /api/auth/config answers (nothing secret). */
  clientConfig: AuthConfigResponse;
  /** The issuer's endpoints and scopes, for the OpenAPI document's security schemes. */
  oauth: OpenApiOAuth;
}

/** `api://<id>/access_as_user` -> `access_as_user`; `api://<id>` is the scope's resource. */
function splitScope(scope: string): { resource: string; name: string } {
  const slash = scope.lastIndexOf("/");
  return { resource: scope.slice(0, slash), name: scope.slice(slash + 1) };
}

export function createAuthRuntime(auth: AuthConfig, local: LocalIssuerInfo | null): AuthRuntime {
  if (auth.mode === "local") {
    if (local === null) throw new Error("local sign-in needs the local issuer");
    return {
      validate: createTokenValidator({
        issuerFor: () => local.issuer,
        audiences: [localApiAudience],
        allowedTenantIds: [auth.tenantId],
        keys: refreshingLocalJwks(async () => (await local.jwks()) as JSONWebKeySet),
        requiredScope: splitScope(localApiScope).name,
        keySource: "the local issuer",
      }),
      clientConfig: {
        mode: "local",
        clientId: localSpaClientId,
        cliClientId: localCliClientId,
        authority: local.issuer,
        knownAuthorities: [new URL(local.issuer).host],
        authorityMetadata: JSON.stringify(local.metadata),
        protocolMode: "OIDC",
        apiScope: localApiScope,
      },
      oauth: {
        authorizationUrl: local.metadata.authorization_endpoint,
        tokenUrl: local.metadata.token_endpoint,
        deviceAuthorizationUrl: local.metadata.device_authorization_endpoint,
        userScope: localApiScope,
        appScope: `${localApiAudience}/.default`,
      },
    };
  }
  const { resource, name } = splitScope(auth.apiScope);
  // v2 tokens carry the client id as `aud`, v1 tokens the Application ID URI (api://<id> or a custom one).
  const audiences = [...new Set([auth.apiClientId, `api://${auth.apiClientId}`, resource])];
  return {
    validate: createTokenValidator({
      issuerFor: (tid) => `${auth.authorityHost}/${tid}/v2.0`,
      audiences,
      allowedTenantIds: auth.allowedTenantIds,
      keys: createRemoteJWKSet(new URL(auth.jwksUrl), { cooldownDuration: auth.jwksCooldownMs, timeoutDuration: 5_000 }),
      requiredScope: name,
      keySource: auth.jwksUrl,
    }),
    clientConfig: {
      mode: "entra",
      clientId: auth.spaClientId,
      ...(auth.cliClientId === undefined ? {} : { cliClientId: auth.cliClientId }),
      authority: `${auth.authorityHost}/${auth.tenantId}`,
      knownAuthorities: [new URL(auth.authorityHost).host],
      protocolMode: "AAD",
      apiScope: auth.apiScope,
    },
    oauth: {
      authorizationUrl: `${auth.authorityHost}/${auth.tenantId}/oauth2/v2.0/authorize`,
      tokenUrl: `${auth.authorityHost}/${auth.tenantId}/oauth2/v2.0/token`,
      deviceAuthorizationUrl: `${auth.authorityHost}/${auth.tenantId}/oauth2/v2.0/devicecode`,
      userScope: auth.apiScope,
      appScope: `${resource}/.default`,
    },
  };
}
