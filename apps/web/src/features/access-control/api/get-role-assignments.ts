import { queryOptions, useQuery } from "@tanstack/react-query";
import { ListRoleAssignmentsResponseSchema, type ListRoleAssignmentsResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { roleAssignmentKeys } from "./role-assignment-keys.ts";

export async function getRoleAssignments(client: ApiClient, signal?: AbortSignal): Promise<ListRoleAssignmentsResponse> {
  return client.get("/rbac/assignments", ListRoleAssignmentsResponseSchema, { signal });
}

export function roleAssignmentsQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: roleAssignmentKeys.list(),
    queryFn: ({ signal }) => getRoleAssignments(client, signal),
  });
}

export function useRoleAssignments() {
  return useQuery(roleAssignmentsQueryOptions(useApiClient()));
}
