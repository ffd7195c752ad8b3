import { appRoleValues, roles, type Role } from "@portcullis/contract";

/** The signed-in caller, from a validated access token. */
export interface Principal {
  /** A person (delegated token), or an application calling as itself (app-only token, `idtyp: app`); absent: a person. */
  kind?: "user" | "application";
  /** Entra object id (`oid`), lower-cased; a service principal's object id for applications. */
  oid: string;
  name: string;
  username: string;
  /** `tid`, lower-cased. */
  tenantId: string;
  /** Tenant-wide roles from the `roles` claim. */
  tenantRoles: Role[];
  /** `roles` values that name no Portcullis role (ignored, shown in /api/me). */
  ignoredRoles: string[];
  /** Group ids from the `groups` claim, lower-cased. */
  groups: string[];
  /**
   * The token says the user is in more groups than it lists (Entra ID's overage: `_claim_names.groups` pointing at
   * Microsoft Graph, or `hasgroups: true` in implicit-flow tokens), so `groups` is not the whole membership.
   * Absent: false.
   */
  groupsOverflowed?: boolean;
}

/** Whether the claims carry Entra ID's groups overage indicator instead of the full list. */
export function groupsOverflowed(claims: Record<string, unknown>): boolean {
  const names = claims["_claim_names"];
  const viaGraph = typeof names === "object" && names !== null && !Array.isArray(names) && "groups" in names;
  return viaGraph || claims["hasgroups"] === true || claims["hasgroups"] === "true";
}

const roleByAppValue = new Map<string, Role>(roles.map((role) => [appRoleValues[role], role]));

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Builds the principal from validated claims; `oid` and `tid` have been checked to be present. */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const oid = String(claims["oid"]).toLowerCase();
  const appRoles = stringList(claims["roles"]);
  const tenantRoles = roles.filter((role) => appRoles.includes(appRoleValues[role]));
  const application = claims["idtyp"] === "app";
  // App-only tokens carry no user names: the app's display name (v1 tokens) or its client id (`azp`) names it.
  const username = application
    ? (text(claims["app_displayname"]) ?? text(claims["azp"]) ?? text(claims["appid"]) ?? oid)
    : (text(claims["preferred_username"]) ?? text(claims["upn"]) ?? text(claims["unique_name"]) ?? oid);
  return {
    kind: application ? "application" : "user",
    oid,
    name: application ? `application ${username}` : (text(claims["name"]) ?? username),
    username,
    tenantId: String(claims["tid"]).toLowerCase(),
    tenantRoles,
    ignoredRoles: [...new Set(appRoles.filter((value) => !roleByAppValue.has(value)))],
    groups: [...new Set(stringList(claims["groups"]).map((g) => g.toLowerCase()))],
    ...(groupsOverflowed(claims) ? { groupsOverflowed: true } : {}),
  };
}
