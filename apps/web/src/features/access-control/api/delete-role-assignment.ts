import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { meKeys } from "../../../lib/auth/get-me.ts";
import { roleAssignmentKeys } from "./role-assignment-keys.ts";

export async function deleteRoleAssignment(client: ApiClient, id: string): Promise<void> {
  return client.delete(`/rbac/assignments/${encodeURIComponent(id)}`);
}

export function useDeleteRoleAssignment() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteRoleAssignment(client, id),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: roleAssignmentKeys.all }),
        queryClient.invalidateQueries({ queryKey: meKeys.all }),
      ]),
  });
}
