/** The grant lists the portal reads (GET /api/grants), as their keys tell them apart. */
export type ListGrantsQuery = { scope: "mine" | "all"; status: "active" | "recent" | "all"; vmId?: string };

/**
 * Every requests query key starts with `requestKeys.all`; grants sit under `requestKeys.grants()`, so one
 * invalidation after a request, revoke or extend reaches every list and every single grant. The caller's access
 * requests (those that wait for approval) sit under `requestKeys.accessRequests()`.
 * VM ids are compared lower-case, as ARM does.
 */
export const requestKeys = {
  all: ["requests"] as const,
  myIp: () => [...requestKeys.all, "my-ip"] as const,
  policy: (vmId: string) => [...requestKeys.all, "policy", vmId.toLowerCase()] as const,
  grants: () => [...requestKeys.all, "grants"] as const,
  grantList: (query: ListGrantsQuery) =>
    [...requestKeys.grants(), "list", { scope: query.scope, status: query.status, vmId: query.vmId?.toLowerCase() }] as const,
  grant: (id: string) => [...requestKeys.grants(), "one", id] as const,
  accessRequests: () => [...requestKeys.all, "access-requests"] as const,
  myAccessRequests: () => [...requestKeys.accessRequests(), "mine"] as const,
};
