import type { IncomingMessage, ServerResponse } from "node:http";

export interface DemoUser {
  oid: string;
  username: string;
  name: string;
  roles: string[];
  groups: string[];
}

export interface SpaClientOptions {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface ServiceClientOptions {
  clientId: string;
  clientSecret: string;
  audiences: string[];
  /** App roles its app-only tokens carry (`roles`), as Entra ID puts the app roles granted to a service principal. */
  roles?: string[];
  /** Display name of the application (`name` is not in Entra's app tokens; shown in the issuer's pages only). */
  name?: string;
}

/** A first-party public client on a device or a desktop (the `portcullis` CLI): device flow and loopback redirects. */
export interface NativeClientOptions {
  clientId: string;
  name: string;
}

export interface LocalIssuerOptions {
  /** Identifier placed in discovery and in every token's `iss`, e.g. "https://localhost:8080/oidc". */
  issuer: string;
  /** Where the endpoints are really served, e.g. "http://localhost:8080/oidc". */
  publicBaseUrl: string;
  /** Keys live in `<dataDir>/local-issuer/`; null keeps them in memory. */
  dataDir: string | null;
  spaClient: SpaClientOptions;
  /** The CLI's public client (device code, or auth code + PKCE to http://localhost on any port); absent: none. */
  nativeClient?: NativeClientOptions;
  /** Audience of the BFF API's access tokens, e.g. "api://portcullis". */
  apiAudience: string;
  /** Delegated scope the SPA asks for, Entra style, e.g. "api://portcullis/access_as_user". */
  apiScope: string;
  /** Client-credentials apps; scope "<audience>/.default" yields a token with aud = audience. */
  serviceClients: ServiceClientOptions[];
  tenantId: string;
  users?: DemoUser[];
  accessTokenTtlSeconds?: number;
}

/** The `authorityMetadata` MSAL needs (browser and node), endpoints under publicBaseUrl. */
export interface IssuerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint: string;
  /** RFC 8628: where devices start the device flow (Entra's path: .../oauth2/v2.0/devicecode). */
  device_authorization_endpoint: string;
  jwks_uri: string;
  response_types_supported: string[];
  response_modes_supported: string[];
  grant_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  scopes_supported: string[];
  claims_supported: string[];
}

export interface PublicJwks {
  keys: Array<Record<string, unknown>>;
}

export interface LocalIssuer {
  /** Mount in Express with `app.use(<publicBaseUrl path>, issuer.handler)`. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  metadata: IssuerMetadata;
  jwks(): Promise<PublicJwks>;
  /** Deliberately absent: tokens only come from a real sign-in or client credentials. */
  mintTestToken?: never;
  close(): Promise<void>;
}
