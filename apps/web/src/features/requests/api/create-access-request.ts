import { useMutation, useQueryClient } from "@tanstack/react-query";
import { GrantSchema, type CreateAccessRequestBody, type Grant } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { useOnGrantsChanged } from "../hooks/grants-changed.tsx";
import { requestKeys } from "./request-keys.ts";

/** Asks for access: the server fits the request to the policy and writes the Allow rules before answering 201. */
export async function createAccessRequest(client: ApiClient, body: CreateAccessRequestBody): Promise<Grant> {
  return client.post("/requests", body, GrantSchema);
}

export function useCreateAccessRequest() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const onChanged = useOnGrantsChanged();
  return useMutation({
    mutationFn: (body: CreateAccessRequestBody) => createAccessRequest(client, body),
    // Also after a failure: a newer request may have superseded an open grant before the write failed.
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: requestKeys.grants() }), onChanged()]),
  });
}
