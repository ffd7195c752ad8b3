import type { Account, AccountClaims, AccessToken, ClientCredentials, JWTStructured, KoaContextWithOIDC } from "oidc-provider";
import { deterministicGuid, type UserDirectory } from "./demo-users.ts";
import type { DemoUser } from "./types.ts";

export interface ClaimsDeps {
  tenantId: string;
  directory: UserDirectory;
  /** App roles granted to each client-credentials app (client id -> role values). */
  serviceRoles?: ReadonlyMap<string, readonly string[]>;
}

/** Which claims each scope releases into ID tokens (Entra ID v2 puts oid/tid/roles in every ID token). */
export const SCOPE_CLAIMS = {
  openid: ["sub", "oid", "tid", "ver", "roles"],
  profile: ["name", "preferred_username"],
} as const;

/** Service principals have no configured object id; derive a stable one per client id. */
export function servicePrincipalId(clientId: string): string {
  return deterministicGuid("portcullis-local-issuer/service-principal", clientId);
}

function userClaims(user: DemoUser, tenantId: string): AccountClaims {
  // Entra ID omits roles and groups when there are none.
  return {
    sub: user.oid,
    oid: user.oid,
    tid: tenantId,
    ver: "2.0",
    name: user.name,
    preferred_username: user.username,
    ...(user.roles.length > 0 ? { roles: [...user.roles] } : {}),
  };
}

export function findAccountFor({ tenantId, directory }: ClaimsDeps) {
  return (_ctx: KoaContextWithOIDC, id: string): Account | undefined => {
    const user = directory.byOid(id);
    if (!user) return undefined;
    return { accountId: user.oid, claims: () => userClaims(user, tenantId) };
  };
}

/** "api://portcullis/access_as_user api://portcullis/other" for audience api://portcullis -> "access_as_user other". */
function delegatedScopes(scope: unknown, audience: unknown): string | undefined {
  if (typeof scope !== "string" || scope.length === 0) return undefined;
  const prefix = typeof audience === "string" ? `${audience.replace(/\/$/, "")}/` : "";
  return scope
    .split(" ")
    .map((value) => (prefix && value.startsWith(prefix) ? value.slice(prefix.length) : value))
    .join(" ");
}

/**
 * Reshapes oidc-provider's JWT access token (RFC 9068 style) into an Entra ID v2 access token:
 * scp instead of scope, azp instead of client_id, oid/tid/ver/nbf, user roles and groups, idtyp=app for apps.
 */
export function entraAccessTokenCustomizer({ tenantId, directory, serviceRoles }: ClaimsDeps) {
  return (_ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials, jwt: JWTStructured): void => {
    const payload = jwt.payload;
    const clientId = String(payload.client_id);
    const scope = payload.scope;
    delete payload.scope;
    delete payload.client_id;
    jwt.header = { ...jwt.header, typ: "JWT" };

    Object.assign(payload, { nbf: payload.iat, ver: "2.0", tid: tenantId, azp: clientId });

    if (token.kind === "ClientCredentials") {
      const principal = servicePrincipalId(clientId);
      const roles = serviceRoles?.get(clientId) ?? [];
      // Entra ID puts the app roles granted to the service principal in `roles`, and omits the claim when there are none.
      Object.assign(payload, { sub: principal, oid: principal, idtyp: "app", azpacr: "1", ...(roles.length > 0 ? { roles: [...roles] } : {}) });
      return;
    }

    const user = token.accountId ? directory.byOid(token.accountId) : undefined;
    if (!user) throw new Error("access token for an unknown account");
    const scp = delegatedScopes(scope, payload.aud);
    Object.assign(payload, {
      sub: user.oid,
      oid: user.oid,
      preferred_username: user.username,
      name: user.name,
      azpacr: "0",
      ...(scp ? { scp } : {}),
      ...(user.roles.length > 0 ? { roles: [...user.roles] } : {}),
      ...(user.groups.length > 0 ? { groups: [...user.groups] } : {}),
    });
  };
}
