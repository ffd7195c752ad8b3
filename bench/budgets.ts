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
  /** A JIT request takes at most 20% longer than the bare NSG rule write it makes, with ARM's write latency. */
  requestOverheadRatioAt500: { max: 1.2, unit: "x", why: "POST /api/requests p50 / bare SDK write p50, 500 ms write latency" },
  /** What Portcullis adds to a request on top of the ARM write, with instant writes. */
  requestAddedTimeP95At0: { max: 50, unit: "ms", why: "POST /api/requests p95 - bare write p95, 0 ms write latency" },
  /** Enabling JIT writes each NSG once, however many VMs sit behind it. */
  enableWritesPerNsg: { max: 1, unit: "writes/NSG", why: "ARM writes per NSG when enabling 50 VMs behind 5 NSGs" },
  /** Requests arriving together are coalesced: fewer writes than requests. */
  burstWritesPerRequest: { max: 0.99, unit: "writes/request", why: "ARM writes / requests, 100 requests on 10 NSGs within one second" },
  /** Grants close soon after they end. */
  expiryLatenessP99: { max: 2000, unit: "ms", why: "close after ends_at, p99, grants ending in the same second" },
  expiryLatenessMax: { max: 5000, unit: "ms", why: "close after ends_at, max, grants ending in the same second" },
  expiryLeftOpen: { max: 0, unit: "grants", why: "grant rows not closed after the run" },
  expiryRulesLeft: { max: 0, unit: "rules", why: "Portcullis Allow rules still on the NSGs after the run" },
} as const satisfies Record<string, Budget>;
