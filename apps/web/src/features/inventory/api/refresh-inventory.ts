import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RefreshResponseSchema, type RefreshResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { inventoryKeys } from "./inventory-keys.ts";

/** Asks the BFF to read the estate from Azure again. */
export async function refreshInventory(client: ApiClient): Promise<RefreshResponse> {
  return client.post("/inventory/refresh", {}, RefreshResponseSchema);
}

export function useRefreshInventory() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => refreshInventory(client),
    // Returning the promise keeps the mutation pending until the table shows the new snapshot.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inventoryKeys.all }),
  });
}
