import { useMutation } from "@tanstack/react-query";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { activityQuery, type ActivityFilters } from "../utils/activity-filters.ts";

export type ExportFormat = "csv" | "jsonl";

/** Saves a Blob through the browser's download, under `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own copy once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The whole log under the current filters (the server streams it), as CSV or JSON lines. */
export async function downloadActivity(client: ApiClient, format: ExportFormat, filters: ActivityFilters): Promise<void> {
  const { blob, fileName } = await client.getFile(`/activity/export.${format}?${activityQuery(filters)}`);
  saveBlob(blob, fileName ?? `activity.${format}`);
}

export function useDownloadActivity() {
  const client = useApiClient();
  return useMutation({ mutationFn: ({ format, filters }: { format: ExportFormat; filters: ActivityFilters }) => downloadActivity(client, format, filters) });
}
