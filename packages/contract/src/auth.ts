import { z } from "zod";
import { ScopeSchema } from "./arm-ids.ts";

/**
 * Permissions as data (Backstage style). Every /api route names the one it needs;
 * VM-scoped permissions are checked against the VM's ARM id.
 */
export const permissions = [
  "jit.vm.read",
  "jit.inventory.refresh",
  "jit.policy.write",
  "jit.request.create",
  "jit.request.approve",
  "jit.request.revoke.any",
  "jit.activity.read",
  "jit.rbac.read",
  "jit.rbac.write",
  "jit.notifications.read",
  "jit.notifications.write",
] as const;
export const PermissionSchema = z.enum(permissions);
export type Permission = z.infer<typeof PermissionSchema>;

export const roles = ["Admin", "Requester", "Approver", "Auditor"] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

/** Entra ID app-role values (the `roles` claim) for tenant-wide roles. */
export const appRoleValues: Record<Role, string> = {
  Admin: "Jit.Admin",
  Requester: "Jit.Requester",
  Approver: "Jit.Approver",
  Auditor: "Jit.Auditor",
};

export const rolePermissions: Record<Role, readonly Permission[]> = {
  Admin: permissions,
  Requester: ["jit.vm.read", "jit.request.create"],
  Approver: ["jit.vm.read", "jit.request.approve"],
  Auditor: ["jit.vm.read", "jit.activity.read"],
};

export const PrincipalTypeSchema = z.enum(["user", "group"]);
export type PrincipalType = z.infer<typeof PrincipalTypeSchema>;

export const RoleAssignmentSchema = z.object({
  id: z.string(),
  principalType: PrincipalTypeSchema,
  /** Entra object id of the user (`oid`) or the group id (as in the `groups` claim). */
  principalId: z.string(),
  principalName: z.string(),
  role: RoleSchema,
  scope: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type RoleAssignment = z.infer<typeof RoleAssignmentSchema>;

export const CreateRoleAssignmentBodySchema = z.object({
  principalType: PrincipalTypeSchema,
  principalId: z.string().trim().min(1).max(200),
  principalName: z.string().trim().min(1).max(200),
  role: RoleSchema,
  scope: ScopeSchema,
});
export type CreateRoleAssignmentBody = z.infer<typeof CreateRoleAssignmentBodySchema>;

/** Public sign-in settings the SPA reads before MSAL starts (nothing secret). */
export const AuthConfigResponseSchema = z.object({
  mode: z.enum(["local", "entra"]),
  clientId: z.string(),
  /** Client id of the CLI's public client registration (device code, loopback redirect); absent when none is registered. */
  cliClientId: z.string().optional(),
  /** MSAL authority (always https). */
  authority: z.string(),
  knownAuthorities: z.array(z.string()),
  /** JSON string of OpenID metadata for MSAL's `authorityMetadata` (local issuer only). */
  authorityMetadata: z.string().optional(),
  protocolMode: z.enum(["AAD", "OIDC"]),
  /** Scope of the BFF's API the SPA requests, e.g. api://portcullis/access_as_user. */
  apiScope: z.string(),
});
export type AuthConfigResponse = z.infer<typeof AuthConfigResponseSchema>;

export const MeResponseSchema = z.object({
  user: z.object({ oid: z.string(), name: z.string(), username: z.string(), tenantId: z.string() }),
  /** Tenant-wide roles from the token's app roles. */
  tenantRoles: z.array(RoleSchema),
  /** Scoped assignments that apply to the user directly or through a group. */
  assignments: z.array(RoleAssignmentSchema),
  /** Permissions held at tenant scope (tenant roles). */
  tenantPermissions: z.array(PermissionSchema),
  /** Every permission held at some scope (for showing navigation). */
  anyScopePermissions: z.array(PermissionSchema),
  /** Values of the token's `roles` claim that name no Portcullis role; they grant nothing. Always sent by the BFF. */
  ignoredRoles: z.array(z.string()).optional(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

export const ListRoleAssignmentsResponseSchema = z.object({ items: z.array(RoleAssignmentSchema) });
export type ListRoleAssignmentsResponse = z.infer<typeof ListRoleAssignmentsResponseSchema>;
