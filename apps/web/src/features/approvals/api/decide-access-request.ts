import { useMutation, useQueryClient } from "@tanstack/react-query";
import { AccessRequestSchema, type AccessRequest } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { approvalKeys } from "./approval-keys.ts";

/** Approve, deny (a comment is required, so the requester learns why), or close a break-glass access's review. */
export type Decision = { action: "approve"; comment?: string } | { action: "deny"; comment: string } | { action: "review"; comment: string };

/** The request after the decision; the final approval answers it `opened` with its `grantId`. */
export async function decideAccessRequest(client: ApiClient, id: string, decision: Decision): Promise<AccessRequest> {
  const comment = decision.comment?.trim() ?? "";
  const body = decision.action === "approve" && comment === "" ? {} : { comment };
  return client.post(`/access-requests/${encodeURIComponent(id)}/${decision.action}`, body, AccessRequestSchema);
}

export function useDecideAccessRequest() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: Decision }) => decideAccessRequest(client, id, decision),
    // Also after a refusal: a 409 (decided by others, lapsed, cancelled) means the list is out of date.
    onSettled: () => queryClient.invalidateQueries({ queryKey: approvalKeys.all }),
  });
}
