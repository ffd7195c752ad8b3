import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";
import { filtersFromSearch, withFilters, type ActivityFilters } from "../utils/activity-filters.ts";

/** The filters live in the address (`/activity?vmId=...`): shareable, and kept by reload and Back. */
export function useActivityFilters(): [ActivityFilters, (filters: ActivityFilters) => void] {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const setFilters = useCallback((next: ActivityFilters) => setSearch((current) => withFilters(current, next)), [setSearch]);
  return [filters, setFilters];
}
