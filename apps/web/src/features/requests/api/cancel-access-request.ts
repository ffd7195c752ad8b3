import { useMutation, useQueryClient } from "@tanstack/react-query";
import { AccessRequestSchema, type AccessRequest } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { requestKeys } from "./request-keys.ts";

/** Withdraws a request that still waits for approval (the requester's own; the server refuses anything else). */
export async function cancelAccessRequest(client: ApiClient, id: string): Promise<AccessRequest> {
  return client.post(`/access-requests/${encodeURIComponent(id)}/cancel`, {}, AccessRequestSchema);
}

export function useCancelAccessRequest() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => cancelAccessRequest(client, id),
    // Also after a refusal (409: approved or lapsed meanwhile): the list shows what became of it.
    onSettled: () => queryClient.invalidateQueries({ queryKey: requestKeys.accessRequests() }),
  });
}
