import type { ActivityFilters } from "../utils/activity-filters.ts";
import { filtersFromSearch, withFilters } from "../utils/activity-filters.ts";

/** Every activity query key starts with `activityKeys.all`, so one invalidation reaches them all. */
export const activityKeys = {
  all: ["activity"] as const,
  // Normalised through the URL form, so "no filter" has one key whatever the form held.
  pages: (filters: ActivityFilters) => [...activityKeys.all, "pages", filtersFromSearch(withFilters(new URLSearchParams(), filters))] as const,
  correlated: (correlationId: string) => [...activityKeys.all, "correlated", correlationId] as const,
};
