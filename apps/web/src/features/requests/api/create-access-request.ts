import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CreateAccessRequestResponseSchema, type AccessRequest, type CreateAccessRequestBody, type Grant } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { useOnGrantsChanged } from "../hooks/grants-changed.tsx";
import { requestKeys } from "./request-keys.ts";

/** What asking for access led to: the ports opened (201, a grant), or the request waits for approval (202). */
export type CreateAccessRequestResult = { kind: "grant"; grant: Grant } | { kind: "request"; request: AccessRequest };

/**
 * Asks for access: the server fits the request to the policy and either writes the Allow rules before answering
 * 201 with the grant, or, where the policy asks for approval, answers 202 with the access request that waits.
 */
export async function createAccessRequest(client: ApiClient, body: CreateAccessRequestBody): Promise<CreateAccessRequestResult> {
  const answer = await client.post("/requests", body, CreateAccessRequestResponseSchema);
  // Only an access request carries its approval state; a grant carries how to connect.
  return "approval" in answer ? { kind: "request", request: answer } : { kind: "grant", grant: answer };
}

export function useCreateAccessRequest() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const onChanged = useOnGrantsChanged();
  return useMutation({
    mutationFn: (body: CreateAccessRequestBody) => createAccessRequest(client, body),
    // Also after a failure: a newer request may have superseded an open grant before the write failed.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: requestKeys.grants() }),
        queryClient.invalidateQueries({ queryKey: requestKeys.accessRequests() }),
        onChanged(),
      ]),
  });
}
