import { activityActions, type ActivityAction } from "@portcullis/contract";

/** Azure's relative time ranges; the URL keeps the preset, so a reload or a shared link means "the last hour" then. */
export const timePresets = {
  "1h": { label: "Last hour", ms: 3_600_000 },
  "24h": { label: "Last 24 hours", ms: 86_400_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000 },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000 },
} as const;
export type TimePreset = keyof typeof timePresets;
const isPreset = (value: string): value is TimePreset => Object.hasOwn(timePresets, value);

/**
 * The log's filters as the URL holds them (`/activity?vmId=...&action=...`); times are ISO 8601 UTC. `range` (a preset)
 * and `from`/`to` (a custom range) exclude each other.
 */
export type ActivityFilters = {
  range?: TimePreset;
  from?: string;
  to?: string;
  vmId?: string;
  userId?: string;
  action?: ActivityAction;
  outcome?: "success" | "failure";
  q?: string;
};

export const filterNames = ["range", "from", "to", "vmId", "userId", "action", "outcome", "q"] as const satisfies ReadonlyArray<keyof ActivityFilters>;
export type FilterName = (typeof filterNames)[number];

/** A message per filter field (the server's rule, or the same rule checked here first). */
export type FilterErrors = Partial<Record<FilterName, string>>;

/**
 * What the filters break of the API's own rules, checked before asking it: a search with no letter or digit to look
 * for (the server refuses the same, 400 naming `q`, in the same words). An inverted time range is `timeRangeError`,
 * shown on the To field.
 */
export function filterProblems(filters: ActivityFilters): FilterErrors {
  const errors: FilterErrors = {};
  const range = timeRangeError(filters);
  if (range !== undefined) errors.to = range;
  if (filters.q !== undefined && !/[\p{L}\p{N}]/u.test(filters.q)) errors.q = "must contain a letter or a digit";
  return errors;
}

const isAction = (value: string): value is ActivityAction => (activityActions as readonly string[]).includes(value);
const isOutcome = (value: string): value is "success" | "failure" => value === "success" || value === "failure";
const isInstant = (value: string) => /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value));

/** Filters from the address bar; values the API would refuse (an unknown action, a date that is none) are dropped. */
export function filtersFromSearch(search: URLSearchParams): ActivityFilters {
  const filters: ActivityFilters = {};
  const text = (name: string) => search.get(name)?.trim() || undefined;
  const from = text("from");
  const to = text("to");
  const action = text("action");
  const outcome = text("outcome");
  const range = text("range");
  if (range !== undefined && isPreset(range)) filters.range = range;
  else {
    if (from !== undefined && isInstant(from)) filters.from = from;
    if (to !== undefined && isInstant(to)) filters.to = to;
  }
  const vmId = text("vmId");
  if (vmId !== undefined) filters.vmId = vmId;
  const userId = text("userId");
  if (userId !== undefined) filters.userId = userId;
  if (action !== undefined && isAction(action)) filters.action = action;
  if (outcome !== undefined && isOutcome(outcome)) filters.outcome = outcome;
  const q = text("q");
  if (q !== undefined) filters.q = q;
  return filters;
}

/** `current` with the filters replaced by `filters` (other parameters kept). */
export function withFilters(current: URLSearchParams, filters: ActivityFilters): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const name of filterNames) next.delete(name);
  for (const name of filterNames) {
    const value = filters[name];
    if (value !== undefined && value !== "") next.set(name, value);
  }
  return next;
}

export function hasFilters(filters: ActivityFilters): boolean {
  return filterNames.some((name) => filters[name] !== undefined);
}

/** Why the time range cannot be asked for (the start after the end), or undefined. */
export function timeRangeError(filters: ActivityFilters): string | undefined {
  if (filters.from === undefined || filters.to === undefined) return undefined;
  return Date.parse(filters.from) > Date.parse(filters.to) ? "Must be after From." : undefined;
}

/** The API's query string for these filters (and paging); a preset becomes `from`, counted back from `now`. */
export function activityQuery(filters: ActivityFilters, paging: { cursor?: string | null; pageSize?: number } = {}, now: Date = new Date()): string {
  const { range, ...rest } = filters;
  const search = withFilters(new URLSearchParams(), range === undefined ? rest : { ...rest, from: new Date(now.getTime() - timePresets[range].ms).toISOString(), to: undefined });
  if (paging.cursor) search.set("cursor", paging.cursor);
  if (paging.pageSize !== undefined) search.set("pageSize", String(paging.pageSize));
  return search.toString();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a `datetime-local` field shows it: the reader's local time, to the minute. */
export function toDateTimeLocal(iso: string | undefined): string {
  if (iso === undefined) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A `datetime-local` value (local time) as an ISO instant; `end` makes it the last millisecond of that minute,
 * so "To 10:05" includes events at 10:05:30.
 */
export function fromDateTimeLocal(value: string, end = false): string | undefined {
  if (value === "") return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return undefined;
  return new Date(d.getTime() + (end ? 59_999 : 0)).toISOString();
}
