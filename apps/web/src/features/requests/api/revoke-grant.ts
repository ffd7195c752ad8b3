import { useMutation, useQueryClient } from "@tanstack/react-query";
import { GrantSchema, type Grant } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { useOnGrantsChanged } from "../hooks/grants-changed.tsx";
import { requestKeys } from "./request-keys.ts";

/** Closes an open grant now: its Allow rules are deleted from the NSGs. */
export async function revokeGrant(client: ApiClient, id: string): Promise<Grant> {
  return client.post(`/grants/${encodeURIComponent(id)}/revoke`, {}, GrantSchema);
}

export function useRevokeGrant() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const onChanged = useOnGrantsChanged();
  return useMutation({
    mutationFn: (id: string) => revokeGrant(client, id),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: requestKeys.grants() }), onChanged()]),
  });
}
