import { useMemo, useState } from "react";
import { Alert, Box, Button, Paper, Stack, Typography } from "@mui/material";
import DownloadIcon from "@mui/icons-material/FileDownloadOutlined";
import type { ActivityEvent } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useDownloadActivity, type ExportFormat } from "../api/download-activity.ts";
import { useActivityPages } from "../api/get-activity.ts";
import { useActivityFilters } from "../hooks/use-activity-filters.ts";
import { useSeenOptions } from "../hooks/use-seen-options.ts";
import { fieldErrorsOf } from "../../../lib/field-errors.ts";
import { filterNames, filterProblems, hasFilters, timeRangeError } from "../utils/activity-filters.ts";
import { ActivityFiltersBar } from "./activity-filters-bar.tsx";
import { ActivityTable } from "./activity-table.tsx";
import { EventBlade } from "./event-blade.tsx";

/**
 * The activity log: every state change, newest first, paged by the BFF (which shows each reader only what
 * they may see: auditors their scopes, requesters their own events), filterable through the address bar,
 * exportable as the server streams it.
 */
export function ActivityView({ ownEventsOnly }: { ownEventsOnly: boolean }) {
  const [filters, setFilters] = useActivityFilters();
  // An inverted range is the To field's error; nothing is asked of the API until it is fixed.
  const invalidRange = timeRangeError(filters) !== undefined;
  const pages = useActivityPages(filters, !invalidRange);
  const download = useDownloadActivity();
  const [open, setOpen] = useState<ActivityEvent | null>(null);

  const events = useMemo(() => pages.data?.pages.flatMap((page) => page.items), [pages.data]);
  const options = useSeenOptions(events ?? []);
  const updating = pages.isFetching && !pages.isFetchingNextPage && pages.isPlaceholderData;
  const exportAs = (format: ExportFormat) => download.mutate({ format, filters });
  // A 400 about a filter shows under that filter; anything else (or a problem naming no filter) in the banner.
  const refused = pages.isError ? fieldErrorsOf(pages.error, filterNames) : undefined;
  const filterErrors = { ...refused?.fields, ...filterProblems(filters) };

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }}>
        <Typography variant="h1" sx={{ flex: 1 }}>
          Activity log
        </Typography>
        <Button variant="outlined" startIcon={<DownloadIcon />} onClick={() => exportAs("csv")} disabled={invalidRange} loading={download.isPending && download.variables.format === "csv"}>
          Download CSV
        </Button>
        <Button variant="outlined" startIcon={<DownloadIcon />} onClick={() => exportAs("jsonl")} disabled={invalidRange} loading={download.isPending && download.variables.format === "jsonl"}>
          Download JSON lines
        </Button>
      </Stack>
      {ownEventsOnly ? <Alert severity="info">You see the events of what you did (your requests and their outcomes recorded under your name).</Alert> : null}
      {download.isError ? <ErrorAlert error={download.error} title="The export could not be downloaded" onClose={() => download.reset()} /> : null}
      <Paper variant="outlined">
        <ActivityFiltersBar filters={filters} onChange={setFilters} vmOptions={options.vms} userOptions={options.users} errors={filterErrors} />
        {invalidRange ? (
          <Typography variant="body2" role="status" sx={{ px: 2, pb: 3, pt: 1, color: "text.secondary" }}>
            No events are shown until the time range ends after it starts.
          </Typography>
        ) : pages.isError ? (
          <Box sx={{ px: 2, pb: 2 }}>
            {refused?.other === undefined ? (
              <Alert severity="warning">Change the highlighted filters to see the events.</Alert>
            ) : (
              <ErrorAlert error={refused.other} title="The activity log could not be loaded" onRetry={() => void pages.refetch()} retrying={pages.isRefetching} />
            )}
          </Box>
        ) : (
          <ActivityTable
            events={events}
            updating={updating}
            onOpen={setOpen}
            empty={hasFilters(filters) ? "No events match these filters." : "No events yet."}
          />
        )}
        {pages.hasNextPage ? (
          <Box sx={{ display: "flex", justifyContent: "center", py: 1.5 }}>
            <Button onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
              Load more
            </Button>
          </Box>
        ) : null}
      </Paper>
      <EventBlade event={open} onClose={() => setOpen(null)} onSelect={setOpen} />
    </Stack>
  );
}
