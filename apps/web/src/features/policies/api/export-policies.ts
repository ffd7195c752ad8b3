import { useMutation } from "@tanstack/react-query";
import { ExportPoliciesResponseSchema } from "@portcullis/contract";
import type { ApiClient, ResponseSchema } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";

/**
 * Checks that the answer is Defender's policy shape, yet keeps the document exactly as the server wrote
 * it: a schema would drop fields it does not know, and the file must round-trip into Defender.
 */
const defenderDocument: ResponseSchema<unknown> = {
  safeParse(data: unknown) {
    const parsed = ExportPoliciesResponseSchema.safeParse(data);
    return parsed.success ? { success: true, data } : { success: false, error: parsed.error };
  },
};

/** Policies in Defender for Cloud's JSON (all the caller may read, or one VM's). */
export async function exportPolicies(client: ApiClient, vmId?: string): Promise<unknown> {
  const query = vmId === undefined ? "" : `?${new URLSearchParams({ vmId }).toString()}`;
  return client.get(`/policies/export${query}`, defenderDocument);
}

/** Saves `data` as a JSON file through the browser's download. */
export function downloadJson(fileName: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function useExportPolicies() {
  const client = useApiClient();
  return useMutation({
    mutationFn: async ({ vmId, fileName }: { vmId?: string; fileName: string }) => {
      downloadJson(fileName, await exportPolicies(client, vmId));
    },
  });
}
