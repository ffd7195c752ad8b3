import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RoleAssignmentSchema, type CreateRoleAssignmentBody, type RoleAssignment } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { meKeys } from "../../../lib/auth/get-me.ts";
import { roleAssignmentKeys } from "./role-assignment-keys.ts";

export async function createRoleAssignment(client: ApiClient, body: CreateRoleAssignmentBody): Promise<RoleAssignment> {
  return client.post("/rbac/assignments", body, RoleAssignmentSchema);
}

export function useCreateRoleAssignment() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateRoleAssignmentBody) => createRoleAssignment(client, body),
    // The signed-in admin may have changed their own roles too.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: roleAssignmentKeys.all }),
        queryClient.invalidateQueries({ queryKey: meKeys.all }),
      ]),
  });
}
