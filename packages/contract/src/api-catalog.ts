import { z } from "zod";
import { UuidSchema } from "./arm-ids.ts";
import { ActivityPageResponseSchema, ActivityQuerySchema, AuditVerifyResponseSchema } from "./activity.ts";
import {
  AuthConfigResponseSchema,
  CreateRoleAssignmentBodySchema,
  ListRoleAssignmentsResponseSchema,
  MeResponseSchema,
  RoleAssignmentSchema,
  type Permission,
} from "./auth.ts";
import { ReadyResponseSchema } from "./health.ts";
import { ListVmsQuerySchema, ListVmsResponseSchema, RefreshResponseSchema } from "./inventory.ts";
import {
  CreateNotificationSubscriptionBodySchema,
  CreateNotificationSubscriptionResponseSchema,
  ListDeliveriesQuerySchema,
  ListDeliveriesResponseSchema,
  ListNotificationSubscriptionsResponseSchema,
  NotificationDeliverySchema,
  NotificationSubscriptionSchema,
  UpdateNotificationSubscriptionBodySchema,
} from "./notifications.ts";
import {
  ExportPoliciesResponseSchema,
  ImportPoliciesBodySchema,
  ImportPoliciesQuerySchema,
  ImportPoliciesResponseSchema,
  ListPoliciesResponseSchema,
  PolicyPlanResponseSchema,
  PolicySchema,
  PutPoliciesBodySchema,
  PutPoliciesResponseSchema,
  RemovePoliciesBodySchema,
  RemovePoliciesResponseSchema,
  VmPropertiesResponseSchema,
} from "./policies.ts";
import {
  AccessRequestSchema,
  ApproveAccessRequestBodySchema,
  CreateAccessRequestBodySchema,
  DenyAccessRequestBodySchema,
  ExtendGrantBodySchema,
  GrantSchema,
  ListAccessRequestsQuerySchema,
  ListAccessRequestsResponseSchema,
  ListGrantsQuerySchema,
  ListGrantsResponseSchema,
  MyIpResponseSchema,
  RequesterHistoryResponseSchema,
  ReviewAccessRequestBodySchema,
} from "./requests.ts";

/**
 * What a route requires, as the API reference states it (the BFF declares the same through `guard`, and a test
 * holds the two together). `scope` says where the permission is checked: the tenant root, at least one scope
 * (lists, filtered afterwards), or the VM the request names.
 */
export type ApiAccess =
  | { kind: "public" }
  | { kind: "signed-in" }
  | { kind: "permission"; permission: Permission; scope: "tenant" | "some" | "vm" }
  | { kind: "any-permission"; permissions: readonly Permission[] };

export interface ApiBody {
  /** Named in the reference's components. */
  name: string;
  schema: z.ZodType;
}

export interface ApiResponse {
  description: string;
  /** A JSON body; absent for 204 and for the non-JSON exports (see `contentType`). */
  body?: ApiBody;
  /** When the body is not JSON (exports): its media type. */
  contentType?: string;
}

export interface ApiOperation {
  operationId: string;
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Path with OpenAPI templates, e.g. /api/grants/{id}. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: ApiAccess;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: ApiBody;
  /** Success responses by status; the error responses are added from the access and inputs (one error body). */
  responses: Record<number, ApiResponse>;
  /** Error statuses this route answers beyond 400/401/403/404 (e.g. 409, 502, 503). */
  errors?: readonly number[];
}

const IdParams = (what: string) => z.object({ id: UuidSchema.describe(`The ${what} id (a UUID).`) });
const VmIdQuery = z.object({ vmId: z.string().min(1).max(400).describe("The virtual machine's ARM id.") });
const HealthResponseSchema = z.object({ status: z.literal("ok") });

const json = (name: string, schema: z.ZodType): ApiBody => ({ name, schema });
const ok = (name: string, schema: z.ZodType, description = "OK"): Record<number, ApiResponse> => ({ 200: { description, body: json(name, schema) } });

const readVms: ApiAccess = { kind: "permission", permission: "jit.vm.read", scope: "some" };
const writePolicies: ApiAccess = { kind: "permission", permission: "jit.policy.write", scope: "some" };
const signedIn: ApiAccess = { kind: "signed-in" };
const activityReaders: ApiAccess = { kind: "any-permission", permissions: ["jit.activity.read", "jit.request.create"] };
const notificationReaders: ApiAccess = { kind: "permission", permission: "jit.notifications.read", scope: "some" };
const notificationWriters: ApiAccess = { kind: "permission", permission: "jit.notifications.write", scope: "some" };
const arm = [409, 502, 503] as const;

/** Every route of the API. The OpenAPI document is generated from this list and the schemas it names. */
export const apiCatalog: readonly ApiOperation[] = [
  // Public
  { operationId: "healthz", method: "get", path: "/api/healthz", tag: "Health", summary: "Liveness: the process serves HTTP", access: { kind: "public" }, responses: ok("Health", HealthResponseSchema) },
  {
    operationId: "readyz",
    method: "get",
    path: "/api/readyz",
    tag: "Health",
    summary: "Readiness: the database and Azure Resource Manager answer",
    description: "One shared probe per 5 s; why it is not ready goes to the server log only.",
    access: { kind: "public" },
    responses: { 200: { description: "Ready", body: json("ReadyResponse", ReadyResponseSchema) }, 503: { description: "Not ready (Retry-After: 5)", body: json("ReadyResponse", ReadyResponseSchema) } },
  },
  {
    operationId: "getAuthConfig",
    method: "get",
    path: "/api/auth/config",
    tag: "Sign-in",
    summary: "Public sign-in settings (MSAL authority, client ids, API scope)",
    access: { kind: "public" },
    responses: ok("AuthConfigResponse", AuthConfigResponseSchema),
  },
  { operationId: "getOpenApi", method: "get", path: "/api/openapi.json", tag: "Reference", summary: "This document (OpenAPI 3.1)", access: { kind: "public" }, responses: { 200: { description: "The OpenAPI document", contentType: "application/json" } } },
  { operationId: "getApiDocs", method: "get", path: "/api/docs", tag: "Reference", summary: "The API reference page (HTML)", access: { kind: "public" }, responses: { 200: { description: "HTML page", contentType: "text/html" } } },
  // Identity
  { operationId: "getMe", method: "get", path: "/api/me", tag: "Sign-in", summary: "The caller: roles, assignments and permissions", access: signedIn, responses: ok("MeResponse", MeResponseSchema) },
  // Inventory
  { operationId: "listVms", method: "get", path: "/api/inventory/vms", tag: "Inventory", summary: "VMs of one tab (configured, recommended, none), filtered and paged", access: readVms, query: ListVmsQuerySchema, responses: ok("ListVmsResponse", ListVmsResponseSchema), errors: [502, 503] },
  { operationId: "refreshInventory", method: "post", path: "/api/inventory/refresh", tag: "Inventory", summary: "Re-read the estate from ARM now", access: { kind: "permission", permission: "jit.inventory.refresh", scope: "tenant" }, responses: ok("RefreshResponse", RefreshResponseSchema), errors: [502, 503] },
  { operationId: "getVmProperties", method: "get", path: "/api/vms/properties", tag: "Inventory", summary: "One VM's network position and NSG rules", access: { kind: "permission", permission: "jit.vm.read", scope: "vm" }, query: VmIdQuery, responses: ok("VmPropertiesResponse", VmPropertiesResponseSchema), errors: [502, 503] },
  // Policies
  { operationId: "listPolicies", method: "get", path: "/api/policies", tag: "Policies", summary: "JIT policies of the VMs the caller may read", access: readVms, responses: ok("ListPoliciesResponse", ListPoliciesResponseSchema) },
  { operationId: "getPolicy", method: "get", path: "/api/policies/vm", tag: "Policies", summary: "One VM's JIT policy", access: { kind: "permission", permission: "jit.vm.read", scope: "vm" }, query: VmIdQuery, responses: ok("Policy", PolicySchema) },
  { operationId: "previewPolicies", method: "post", path: "/api/policies/preview", tag: "Policies", summary: "The NSG changes a policy would make, without making them", description: "jit.policy.write is checked at every VM of the body.", access: writePolicies, body: json("PutPoliciesBody", PutPoliciesBodySchema), responses: ok("PolicyPlanResponse", PolicyPlanResponseSchema), errors: arm },
  { operationId: "putPolicies", method: "put", path: "/api/policies", tag: "Policies", summary: "Enable or edit the JIT policy of one or more VMs", description: "jit.policy.write is checked at every VM of the body. One NSG write per NSG.", access: writePolicies, body: json("PutPoliciesBody", PutPoliciesBodySchema), responses: ok("PutPoliciesResponse", PutPoliciesResponseSchema), errors: arm },
  { operationId: "removePolicies", method: "post", path: "/api/policies/remove", tag: "Policies", summary: "Remove the JIT policy of one or more VMs", access: writePolicies, body: json("RemovePoliciesBody", RemovePoliciesBodySchema), responses: ok("RemovePoliciesResponse", RemovePoliciesResponseSchema), errors: arm },
  { operationId: "importPolicies", method: "post", path: "/api/policies/import", tag: "Policies", summary: "Import Defender for Cloud JIT policies (JSON)", access: writePolicies, query: ImportPoliciesQuerySchema, body: json("ImportPoliciesBody", ImportPoliciesBodySchema), responses: ok("ImportPoliciesResponse", ImportPoliciesResponseSchema), errors: arm },
  { operationId: "exportPolicies", method: "get", path: "/api/policies/export", tag: "Policies", summary: "Export policies as Defender for Cloud JSON", access: readVms, query: VmIdQuery.partial(), responses: ok("ExportPoliciesResponse", ExportPoliciesResponseSchema) },
  // Access requests and grants
  { operationId: "getMyIp", method: "get", path: "/api/requests/my-ip", tag: "Access", summary: "The caller's address as Portcullis sees it (through trusted proxies)", access: signedIn, responses: ok("MyIpResponse", MyIpResponseSchema) },
  {
    operationId: "createAccessRequest",
    method: "post",
    path: "/api/requests",
    tag: "Access",
    summary: "Request access to a VM's ports",
    description: "jit.request.create is checked at the VM of the body. 201 with the grant when the ports opened; 202 with the access request when the policy asks for approval.",
    access: { kind: "permission", permission: "jit.request.create", scope: "vm" },
    body: json("CreateAccessRequestBody", CreateAccessRequestBodySchema),
    responses: {
      201: { description: "Opened: the grant", body: json("Grant", GrantSchema) },
      202: { description: "Waiting for approval: the access request (Location: /api/access-requests/{id})", body: json("AccessRequest", AccessRequestSchema) },
    },
    errors: arm,
  },
  { operationId: "listGrants", method: "get", path: "/api/grants", tag: "Access", summary: "The caller's grants (scope=all: every grant where the caller holds jit.request.revoke.any)", access: signedIn, query: ListGrantsQuerySchema, responses: ok("ListGrantsResponse", ListGrantsResponseSchema) },
  { operationId: "getGrant", method: "get", path: "/api/grants/{id}", tag: "Access", summary: "One grant (the requester's own, or in the caller's revoke scope)", access: signedIn, params: IdParams("grant"), responses: ok("Grant", GrantSchema) },
  { operationId: "revokeGrant", method: "post", path: "/api/grants/{id}/revoke", tag: "Access", summary: "Close a grant now", description: "The requester, or a holder of jit.request.revoke.any at the VM.", access: signedIn, params: IdParams("grant"), responses: ok("Grant", GrantSchema), errors: arm },
  { operationId: "extendGrant", method: "post", path: "/api/grants/{id}/extend", tag: "Access", summary: "Lengthen an open grant (up to the policy's maximum from its start)", description: "jit.request.create is checked again at the grant's VM.", access: { kind: "permission", permission: "jit.request.create", scope: "some" }, params: IdParams("grant"), body: json("ExtendGrantBody", ExtendGrantBodySchema), responses: ok("Grant", GrantSchema), errors: arm },
  // Approvals
  { operationId: "listAccessRequests", method: "get", path: "/api/access-requests", tag: "Approvals", summary: "Access requests: mine, the ones I may decide (approvals), or all (Admins)", access: signedIn, query: ListAccessRequestsQuerySchema, responses: ok("ListAccessRequestsResponse", ListAccessRequestsResponseSchema) },
  { operationId: "getAccessRequest", method: "get", path: "/api/access-requests/{id}", tag: "Approvals", summary: "One access request", access: signedIn, params: IdParams("access request"), responses: ok("AccessRequest", AccessRequestSchema) },
  { operationId: "getRequesterHistory", method: "get", path: "/api/access-requests/{id}/requester-history", tag: "Approvals", summary: "The requester's last 30 days, for approvers", access: signedIn, params: IdParams("access request"), responses: ok("RequesterHistoryResponse", RequesterHistoryResponseSchema) },
  { operationId: "approveAccessRequest", method: "post", path: "/api/access-requests/{id}/approve", tag: "Approvals", summary: "Approve (the last approval opens the ports)", description: "Only members of the policy's approver set; the service checks it.", access: signedIn, params: IdParams("access request"), body: json("ApproveAccessRequestBody", ApproveAccessRequestBodySchema), responses: ok("AccessRequest", AccessRequestSchema), errors: arm },
  { operationId: "denyAccessRequest", method: "post", path: "/api/access-requests/{id}/deny", tag: "Approvals", summary: "Deny, saying why", access: signedIn, params: IdParams("access request"), body: json("DenyAccessRequestBody", DenyAccessRequestBodySchema), responses: ok("AccessRequest", AccessRequestSchema), errors: [409] },
  { operationId: "cancelAccessRequest", method: "post", path: "/api/access-requests/{id}/cancel", tag: "Approvals", summary: "Cancel one's own pending request", access: signedIn, params: IdParams("access request"), responses: ok("AccessRequest", AccessRequestSchema), errors: [409] },
  { operationId: "reviewAccessRequest", method: "post", path: "/api/access-requests/{id}/review", tag: "Approvals", summary: "Review a break-glass access", access: { kind: "permission", permission: "jit.request.approve", scope: "some" }, params: IdParams("access request"), body: json("ReviewAccessRequestBody", ReviewAccessRequestBodySchema), responses: ok("AccessRequest", AccessRequestSchema), errors: [409] },
  // Access control
  { operationId: "listRoleAssignments", method: "get", path: "/api/rbac/assignments", tag: "Access control", summary: "Scoped role assignments", access: { kind: "permission", permission: "jit.rbac.read", scope: "tenant" }, responses: ok("ListRoleAssignmentsResponse", ListRoleAssignmentsResponseSchema) },
  { operationId: "createRoleAssignment", method: "post", path: "/api/rbac/assignments", tag: "Access control", summary: "Assign a role at a scope", access: { kind: "permission", permission: "jit.rbac.write", scope: "tenant" }, body: json("CreateRoleAssignmentBody", CreateRoleAssignmentBodySchema), responses: { 201: { description: "Created", body: json("RoleAssignment", RoleAssignmentSchema) } }, errors: [409] },
  { operationId: "deleteRoleAssignment", method: "delete", path: "/api/rbac/assignments/{id}", tag: "Access control", summary: "Remove a role assignment (cancels and, by default, revokes what it backed)", access: { kind: "permission", permission: "jit.rbac.write", scope: "tenant" }, params: z.object({ id: z.string().describe("The assignment id.") }), responses: { 204: { description: "Removed" } } },
  // Activity log
  { operationId: "listActivity", method: "get", path: "/api/activity", tag: "Activity", summary: "Activity log page (Auditors and Admins: their scopes; Requesters: their own events)", access: activityReaders, query: ActivityQuerySchema, responses: ok("ActivityPageResponse", ActivityPageResponseSchema) },
  { operationId: "exportActivityCsv", method: "get", path: "/api/activity/export.csv", tag: "Activity", summary: "Every matching event as CSV, streamed", access: activityReaders, query: ActivityQuerySchema.omit({ cursor: true, pageSize: true }), responses: { 200: { description: "CSV with a header row", contentType: "text/csv" } } },
  { operationId: "exportActivityJsonl", method: "get", path: "/api/activity/export.jsonl", tag: "Activity", summary: "Every matching event as JSON lines, streamed", access: activityReaders, query: ActivityQuerySchema.omit({ cursor: true, pageSize: true }), responses: { 200: { description: "One ActivityEvent per line", contentType: "application/x-ndjson" } } },
  { operationId: "verifyAudit", method: "get", path: "/api/audit/verify", tag: "Activity", summary: "Verify the audit chain, its checkpoints and anchors", access: { kind: "permission", permission: "jit.rbac.write", scope: "tenant" }, responses: ok("AuditVerifyResponse", AuditVerifyResponseSchema) },
  // Notifications
  { operationId: "listSubscriptions", method: "get", path: "/api/notifications/subscriptions", tag: "Notifications", summary: "Notification subscriptions in the caller's scopes", access: notificationReaders, responses: ok("ListNotificationSubscriptionsResponse", ListNotificationSubscriptionsResponseSchema) },
  { operationId: "createSubscription", method: "post", path: "/api/notifications/subscriptions", tag: "Notifications", summary: "Add a subscription (webhook, Teams, Slack, e-mail)", access: notificationWriters, body: json("CreateNotificationSubscriptionBody", CreateNotificationSubscriptionBodySchema), responses: { 201: { description: "Created (a generated webhook secret is returned once)", body: json("CreateNotificationSubscriptionResponse", CreateNotificationSubscriptionResponseSchema) } } },
  { operationId: "updateSubscription", method: "patch", path: "/api/notifications/subscriptions/{id}", tag: "Notifications", summary: "Change a subscription's name, events or enabled flag", access: notificationWriters, params: IdParams("subscription"), body: json("UpdateNotificationSubscriptionBody", UpdateNotificationSubscriptionBodySchema), responses: ok("NotificationSubscription", NotificationSubscriptionSchema) },
  { operationId: "deleteSubscription", method: "delete", path: "/api/notifications/subscriptions/{id}", tag: "Notifications", summary: "Delete a subscription", access: notificationWriters, params: IdParams("subscription"), responses: { 204: { description: "Deleted" } } },
  { operationId: "testSubscription", method: "post", path: "/api/notifications/subscriptions/{id}/test", tag: "Notifications", summary: "Queue a test notification", access: notificationWriters, params: IdParams("subscription"), responses: { 202: { description: "Queued", body: json("NotificationDelivery", NotificationDeliverySchema) } } },
  { operationId: "listDeliveries", method: "get", path: "/api/notifications/deliveries", tag: "Notifications", summary: "The delivery log (last 30 days)", access: notificationReaders, query: ListDeliveriesQuerySchema, responses: ok("ListDeliveriesResponse", ListDeliveriesResponseSchema) },
];

/** `/api/grants/{id}` -> `/api/grants/:id` (Express's spelling). */
export function expressPathOf(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

/** The catalog entry for a method and an Express route path. */
export function findApiOperation(method: string, expressPath: string): ApiOperation | undefined {
  return apiCatalog.find((op) => op.method === method.toLowerCase() && expressPathOf(op.path) === expressPath);
}
