import type { Client, KoaContextWithOIDC, ResourceServer } from "oidc-provider";
import { errors } from "oidc-provider";
import type { ServiceClientOptions } from "./types.ts";

export interface ResourceDeps {
  /** First-party clients that act for users (the SPA, the CLI): their API scope names the API's audience. */
  userClientIds: ReadonlySet<string>;
  apiAudience: string;
  apiScope: string;
  serviceClients: ServiceClientOptions[];
  accessTokenTtlSeconds: number;
}

const DEFAULT_SUFFIX = "/.default";

/** "https://management.azure.com/" and "https://management.azure.com" name the same resource. */
function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

function requestedScopes(ctx: KoaContextWithOIDC): string[] {
  const scope = ctx.oidc.params?.scope;
  return typeof scope === "string" ? scope.split(" ").filter(Boolean) : [];
}

/**
 * MSAL asks for scopes, never for a `resource`, so the resource (and with it the token audience) is derived from the
 * scope the way Entra ID does: the SPA's API scope -> apiAudience; "<audience>/.default" -> that audience.
 */
export function resourceIndicatorsFor(deps: ResourceDeps) {
  const services = new Map(deps.serviceClients.map((service) => [service.clientId, service]));

  const serviceAudienceFor = (clientId: string, scopes: string[]): string | undefined => {
    const service = services.get(clientId);
    if (!service) return undefined;
    for (const scope of scopes) {
      if (!scope.endsWith(DEFAULT_SUFFIX)) continue;
      const base = scope.slice(0, -DEFAULT_SUFFIX.length);
      const audience = service.audiences.find((candidate) => sameResource(candidate, base));
      if (audience) return audience;
    }
    return undefined;
  };

  const jwtResource = (audience: string, scope: string): ResourceServer => ({
    scope,
    audience,
    accessTokenFormat: "jwt",
    accessTokenTTL: deps.accessTokenTtlSeconds,
    jwt: { sign: { alg: "RS256" } },
  });

  return {
    enabled: true,
    defaultResource(ctx: KoaContextWithOIDC, client: Client, oneOf?: readonly string[]): string | readonly string[] | undefined {
      if (oneOf) return oneOf.length === 1 ? oneOf[0] : oneOf;
      const scopes = requestedScopes(ctx);
      if (deps.userClientIds.has(client.clientId)) return scopes.includes(deps.apiScope) ? deps.apiAudience : undefined;
      if (services.has(client.clientId) && ctx.oidc.params?.grant_type === "client_credentials") {
        const audience = serviceAudienceFor(client.clientId, scopes);
        // Entra ID refuses app-only requests without a known "<resource>/.default" scope; an audience-less token is useless.
        if (!audience) throw new errors.InvalidScope("scope must be \"<audience>/.default\" for an audience this client may use", scopes.join(" "));
        return audience;
      }
      return undefined;
    },
    getResourceServerInfo(_ctx: KoaContextWithOIDC, indicator: string, client: Client): ResourceServer {
      if (deps.userClientIds.has(client.clientId) && indicator === deps.apiAudience) return jwtResource(deps.apiAudience, deps.apiScope);
      const service = services.get(client.clientId);
      const audience = service?.audiences.find((candidate) => candidate === indicator);
      // Accept "<audience>/.default" with or without the audience's trailing slash, as Entra ID does.
      if (audience) return jwtResource(audience, [...new Set([`${audience.replace(/\/+$/, "")}${DEFAULT_SUFFIX}`, `${audience}${DEFAULT_SUFFIX}`])].join(" "));
      throw new errors.InvalidTarget("this client may not request tokens for that resource");
    },
    useGrantedResource: () => true,
  };
}
