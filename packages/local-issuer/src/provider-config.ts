import type { IncomingMessage } from "node:http";
import type { Adapter, ClientMetadata, Configuration, Grant, KoaContextWithOIDC, RefreshToken, Client } from "oidc-provider";
import { interactionPolicy } from "oidc-provider";
import type { UserDirectory } from "./demo-users.ts";
import type { IssuerSecrets } from "./keys.ts";
import { logoutSource, postLogoutSuccessSource, renderError } from "./provider-pages.ts";
import { resourceIndicatorsFor } from "./resource-servers.ts";
import { entraAccessTokenCustomizer, findAccountFor, SCOPE_CLAIMS } from "./token-claims.ts";
import { deviceFlowPages } from "./device-pages.ts";
import type { NativeClientOptions, ServiceClientOptions, SpaClientOptions } from "./types.ts";

/** Entra ID v2 endpoint paths, so logs and metadata read like the real thing. */
export const ROUTES = {
  authorization: "/oauth2/v2.0/authorize",
  token: "/oauth2/v2.0/token",
  end_session: "/oauth2/v2.0/logout",
  // MSAL derives the device code endpoint from the token endpoint (".../token" -> ".../devicecode"), as Entra names it.
  device_authorization: "/oauth2/v2.0/devicecode",
  code_verification: "/device",
  jwks: "/discovery/v2.0/keys",
} as const;

const DAY_SECONDS = 24 * 60 * 60;

export interface ProviderConfigDeps {
  adapter: (model: string) => Adapter;
  secrets: IssuerSecrets;
  directory: UserDirectory;
  tenantId: string;
  spaClient: SpaClientOptions;
  nativeClient: NativeClientOptions | undefined;
  serviceClients: ServiceClientOptions[];
  apiAudience: string;
  apiScope: string;
  accessTokenTtlSeconds: number;
  /** Path the issuer is mounted at (from publicBaseUrl), which scopes the session cookie. */
  basePath: string;
}

/** The browser-visible mount path: Express strips it from req.url but keeps it in originalUrl. */
function mountPathOf(ctx: KoaContextWithOIDC): string {
  const original = (ctx.req as IncomingMessage & { originalUrl?: string }).originalUrl;
  const url = ctx.request.url;
  if (!original || !original.endsWith(url)) return "";
  return original.slice(0, original.length - url.length);
}

const deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

function clients(spa: SpaClientOptions, native: NativeClientOptions | undefined, services: ServiceClientOptions[]): ClientMetadata[] {
  return [
    {
      client_id: spa.clientId,
      client_name: "Portcullis",
      application_type: "web",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      redirect_uris: spa.redirectUris,
      post_logout_redirect_uris: spa.postLogoutRedirectUris,
    },
    ...(native === undefined
      ? []
      : [
          {
            client_id: native.clientId,
            client_name: native.name,
            application_type: "native",
            token_endpoint_auth_method: "none",
            grant_types: ["authorization_code", "refresh_token", deviceCodeGrant],
            response_types: ["code"],
            // RFC 8252: a native client's loopback redirect may use any port (MSAL Node listens on a free one).
            redirect_uris: ["http://localhost", "http://127.0.0.1"],
          } satisfies ClientMetadata,
        ]),
    ...services.map((service): ClientMetadata => ({
      client_id: service.clientId,
      client_secret: service.clientSecret,
      client_name: service.name ?? service.clientId,
      // msal-node and Azure Identity send the secret in the body.
      token_endpoint_auth_method: "client_secret_post",
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
    })),
  ];
}

/**
 * No consent screen for the first-party SPA: whatever it asks for (OIDC scopes and the API scope) is granted and
 * recorded in a Grant, so later silent requests resolve without interaction.
 */
function autoGrantFor(firstParty: ReadonlySet<string>) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { client, session, provider } = ctx.oidc;
    const accountId = session?.accountId;
    if (!client || !accountId) return undefined;
    const resultGrantId = (ctx.oidc.result?.consent as { grantId?: unknown } | undefined)?.grantId;
    const grantId = (typeof resultGrantId === "string" ? resultGrantId : undefined) ?? session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    if (!firstParty.has(client.clientId)) return existing;

    const grant = existing && existing.accountId === accountId ? existing : new provider.Grant({ clientId: client.clientId, accountId });
    const oidcScopes = [...ctx.oidc.requestParamOIDCScopes].join(" ");
    if (oidcScopes) grant.addOIDCScope(oidcScopes);
    for (const [indicator, resourceServer] of Object.entries(ctx.oidc.resourceServers ?? {})) {
      const wanted = [...ctx.oidc.requestParamScopes].filter((scope) => resourceServer.scopes.has(scope));
      if (wanted.length > 0) grant.addResourceScope(indicator, wanted.join(" "));
    }
    await grant.save();
    return grant;
  };
}

/** Entra ID accepts prompt=select_account and MSAL apps often send it; oidc-provider only knows it when registered. */
function interactionPolicyWithSelectAccount() {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: "select_account", requestable: true }), 0);
  return policy;
}

/** Entra-like SPA refresh tokens: 24 h, and rotation never extends the original lifetime. */
function refreshTokenTtl(ctx: KoaContextWithOIDC, token: RefreshToken, client: Client): number {
  const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
  if (rotated && client.clientAuthMethod === "none" && !token.isSenderConstrained()) return rotated.remainingTTL;
  return DAY_SECONDS;
}

export function createProviderConfiguration(deps: ProviderConfigDeps): Configuration {
  const spaOrigins = new Set(deps.spaClient.redirectUris.map((uri) => new URL(uri).origin));
  const cookiePath = deps.basePath === "" ? "/" : deps.basePath;
  const firstParty = new Set([deps.spaClient.clientId, ...(deps.nativeClient === undefined ? [] : [deps.nativeClient.clientId])]);
  return {
    adapter: deps.adapter,
    clients: clients(deps.spaClient, deps.nativeClient, deps.serviceClients),
    jwks: { keys: deps.secrets.signing.keys as NonNullable<Configuration["jwks"]>["keys"] },
    findAccount: findAccountFor(deps),
    claims: { openid: [...SCOPE_CLAIMS.openid], profile: [...SCOPE_CLAIMS.profile] },
    scopes: ["openid", "profile", "offline_access"],
    // ID tokens carry the profile claims even though no userinfo endpoint exists (as Entra ID's do).
    conformIdTokenClaims: false,
    responseTypes: ["code"],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: deps.nativeClient !== undefined, ...deviceFlowPages },
      userinfo: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      resourceIndicators: resourceIndicatorsFor({ ...deps, userClientIds: firstParty }),
    },
    // MSAL always asks for offline_access, but oidc-provider drops it without prompt=consent; Entra ID issues SPA
    // refresh tokens anyway, so we do too.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    loadExistingGrant: autoGrantFor(firstParty),
    formats: { customizers: { jwt: entraAccessTokenCustomizer({ ...deps, serviceRoles: new Map(deps.serviceClients.map((s) => [s.clientId, s.roles ?? []])) }) } },
    clientBasedCORS: (_ctx, origin, client) => client.clientId === deps.spaClient.clientId && spaOrigins.has(origin),
    interactions: { policy: interactionPolicyWithSelectAccount(), url: (ctx, interaction) => `${mountPathOf(ctx)}/interaction/${interaction.uid}` },
    cookies: {
      names: { session: "portcullis_oidc_session", interaction: "portcullis_oidc_interaction", resume: "portcullis_oidc_resume" },
      long: { httpOnly: true, sameSite: "lax", signed: true, path: cookiePath },
      short: { httpOnly: true, sameSite: "lax", signed: true },
      keys: deps.secrets.cookieKeys,
    },
    routes: { ...ROUTES },
    renderError,
    ttl: {
      AccessToken: deps.accessTokenTtlSeconds,
      ClientCredentials: deps.accessTokenTtlSeconds,
      DeviceCode: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: refreshTokenTtl,
      Interaction: 60 * 60,
      Session: DAY_SECONDS,
      Grant: DAY_SECONDS,
    },
  };
}
