import { useState } from "react";
import { InputAdornment, MenuItem, Stack, TextField } from "@mui/material";
import SearchIcon from "@mui/icons-material/Search";
import type { ListVmsResponse } from "@portcullis/contract";
import { useDebouncedCallback } from "../../../hooks/use-debounced-callback.ts";
import type { VmFilters } from "../utils/vm-table-state.ts";

type Facets = ListVmsResponse["facets"];

type VmFiltersBarProps = {
  filters: VmFilters;
  /** Undefined until the first page arrives. */
  facets: Facets | undefined;
  onChange: (patch: Partial<VmFilters>) => void;
};

export const nameFilterDebounceMs = 250;

/** Keeps a chosen value selectable even when the options do not (yet) contain it. */
function withChosen<T>(options: readonly T[], chosen: string, key: (option: T) => string, make: (value: string) => T): T[] {
  if (chosen === "" || options.some((option) => key(option) === chosen)) return [...options];
  return [make(chosen), ...options];
}

export function VmFiltersBar({ filters, facets, onChange }: VmFiltersBarProps) {
  // The field shows every keystroke; the query (and the page reset) follows once typing pauses.
  const [text, setText] = useState(filters.q);
  const commitName = useDebouncedCallback((q: string) => onChange({ q }), nameFilterDebounceMs);

  const subscriptions = withChosen(facets?.subscriptions ?? [], filters.subscription, (s) => s.id, (id) => ({ id, name: id }));
  const resourceGroups = withChosen(facets?.resourceGroups ?? [], filters.resourceGroup, (rg) => rg, (rg) => rg);

  return (
    <Stack direction={{ xs: "column", md: "row" }} spacing={1.5} sx={{ px: 2, py: 1.5 }}>
      <TextField
        size="small"
        label="Filter by name"
        value={text}
        autoComplete="off"
        onChange={(event) => {
          setText(event.target.value);
          commitName(event.target.value);
        }}
        sx={{ minWidth: 260 }}
        slotProps={{
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          },
        }}
      />
      <TextField
        select
        size="small"
        label="Subscription"
        value={filters.subscription}
        onChange={(event) => onChange({ subscription: event.target.value })}
        sx={{ minWidth: 240 }}
        slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
      >
        <MenuItem value="">All subscriptions</MenuItem>
        {subscriptions.map((subscription) => (
          <MenuItem key={subscription.id} value={subscription.id}>
            {subscription.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Resource group"
        value={filters.resourceGroup}
        onChange={(event) => onChange({ resourceGroup: event.target.value })}
        sx={{ minWidth: 240 }}
        slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
      >
        <MenuItem value="">All resource groups</MenuItem>
        {resourceGroups.map((resourceGroup) => (
          <MenuItem key={resourceGroup} value={resourceGroup}>
            {resourceGroup}
          </MenuItem>
        ))}
      </TextField>
    </Stack>
  );
}
