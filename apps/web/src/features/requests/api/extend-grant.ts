import { useMutation, useQueryClient } from "@tanstack/react-query";
import { GrantSchema, type ExtendGrantBody, type Grant } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { useOnGrantsChanged } from "../hooks/grants-changed.tsx";
import { requestKeys } from "./request-keys.ts";

/** Moves an open grant's end later; the server refuses an end past the policy's max after the grant started. */
export async function extendGrant(client: ApiClient, id: string, body: ExtendGrantBody): Promise<Grant> {
  return client.post(`/grants/${encodeURIComponent(id)}/extend`, body, GrantSchema);
}

export function useExtendGrant() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const onChanged = useOnGrantsChanged();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ExtendGrantBody }) => extendGrant(client, id, body),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: requestKeys.grants() }), onChanged()]),
  });
}
