/**
 * Every performance budget, in one place. A measurement passes when its value is at most `max` (in `unit`).
 * A failed budget is printed and recorded, but does not fail `npm run bench`.
 */
export interface Budget {
  max: number;
  unit: string;
  /** Where the number comes from (the issue or the decision that set it). */
  why: string;
}

export const budgets = {
  /** A cached inventory page (any tab, filter or sort) answers quickly enough for typing in the filter box. */
  inventoryFirstPageP95: { max: 100, unit: "ms", why: "first page of a tab, filter or sort, p95, cache warm" },
  /** The JavaScript a browser must load before the portal can render. */
  portalInitialJsGzip: { max: 350, unit: "KB", why: "entry chunk plus its static imports, gzip" },
  /** The activity log's first page for a filter (VM, user, action + time range, free text), 1,000,000 events. */
  auditFirstPageP95: { max: 100, unit: "ms", why: "first page of /api/activity, p95, 1,000,000 events" },
  /** Navigating to the JIT page until the first VM row is on screen, 10,000 VMs, inventory cached. */
  portalRowsVisible: { max: 1500, unit: "ms", why: "navigation to /jit until the first row is visible" },
} as const satisfies Record<string, Budget>;
