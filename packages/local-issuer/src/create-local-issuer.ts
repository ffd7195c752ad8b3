import Provider from "oidc-provider";
import { createUserDirectory, demoUsers } from "./demo-users.ts";
import { loadIssuerSecrets, publicJwks } from "./keys.ts";
import { createMemoryStore } from "./memory-adapter.ts";
import { issuerMetadata } from "./metadata.ts";
import { validateOptions } from "./options.ts";
import { createProviderConfiguration } from "./provider-config.ts";
import { createRequestHandler } from "./request-handler.ts";
import type { LocalIssuer, LocalIssuerOptions } from "./types.ts";

/**
 * An OpenID Connect issuer with demo users that looks like Entra ID v2 to MSAL and to token validators.
 * `options.issuer` (the identifier in tokens) may differ from `options.publicBaseUrl` (where it is served):
 * oidc-provider takes `iss` from the issuer string and builds endpoint URLs from each request.
 */
export async function createLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const { basePath, accessTokenTtlSeconds } = validateOptions(options);
  const users = options.users ?? demoUsers;
  const directory = createUserDirectory(users);
  const secrets = await loadIssuerSecrets(options.dataDir);
  const store = createMemoryStore();

  const provider = new Provider(
    options.issuer,
    createProviderConfiguration({
      adapter: store.factory,
      secrets,
      directory,
      tenantId: options.tenantId,
      spaClient: options.spaClient,
      nativeClient: options.nativeClient,
      serviceClients: options.serviceClients,
      apiAudience: options.apiAudience,
      apiScope: options.apiScope,
      accessTokenTtlSeconds,
      basePath,
    }),
  );
  // Only the message: oidc-provider errors never carry tokens there, but request details might.
  provider.on("server_error", (_ctx, error) => console.error(`local issuer: server error: ${error.message}`));

  let closed = false;
  return {
    handler: createRequestHandler({ provider, directory, users, spaClient: options.spaClient, firstPartyClientIds: new Set([options.spaClient.clientId, ...(options.nativeClient === undefined ? [] : [options.nativeClient.clientId])]), isClosed: () => closed }),
    metadata: issuerMetadata(options.issuer, options.publicBaseUrl),
    jwks: async () => publicJwks(secrets.signing),
    async close() {
      closed = true;
      store.clear();
    },
  };
}
