import { useState } from "react";
import { Button, InputAdornment, MenuItem, Stack, TextField } from "@mui/material";
import SearchIcon from "@mui/icons-material/Search";
import { activityActions, nameFromArmId, type ActivityAction } from "@portcullis/contract";
import { useDebouncedCallback } from "../../../hooks/use-debounced-callback.ts";
import type { Option } from "../hooks/use-seen-options.ts";
import { actionLabels, outcomeLabels } from "../utils/action-labels.ts";
import { fromDateTimeLocal, hasFilters, timePresets, toDateTimeLocal, type ActivityFilters, type FilterErrors, type FilterName, type TimePreset } from "../utils/activity-filters.ts";

type ActivityFiltersBarProps = {
  filters: ActivityFilters;
  onChange: (filters: ActivityFilters) => void;
  vmOptions: readonly Option[];
  userOptions: readonly Option[];
  /** Messages under the filters the server (or the same check here) refused. */
  errors?: FilterErrors;
};

export const searchDebounceMs = 300;

/** Keeps the chosen value selectable even before an event naming it has loaded (e.g. /activity?vmId=... from the JIT page). */
function withChosen(options: readonly Option[], chosen: string | undefined, label: (value: string) => string): Option[] {
  if (chosen === undefined || options.some((o) => o.value === chosen)) return [...options];
  return [{ value: chosen, label: label(chosen) }, ...options];
}

const selectProps = { select: { displayEmpty: true }, inputLabel: { shrink: true } } as const;
const presets = Object.entries(timePresets) as Array<[TimePreset, (typeof timePresets)[TimePreset]]>;

export function ActivityFiltersBar({ filters, onChange, vmOptions, userOptions, errors = {} }: ActivityFiltersBarProps) {
  const problem = (name: FilterName) => ({ error: errors[name] !== undefined, helperText: errors[name] });
  const [text, setText] = useState(filters.q ?? "");
  // The address can change the search under the field (Back, a link): follow it, keeping what is being typed.
  const [shownQ, setShownQ] = useState(filters.q);
  if (filters.q !== shownQ) {
    setShownQ(filters.q);
    if ((filters.q ?? "") !== text.trim()) setText(filters.q ?? "");
  }
  const commitSearch = useDebouncedCallback((q: string) => onChange({ ...filters, q: q.trim() || undefined }), searchDebounceMs);
  const set = (patch: Partial<ActivityFilters>) => onChange({ ...filters, ...patch });
  const vms = withChosen(vmOptions, filters.vmId, nameFromArmId);
  const users = withChosen(userOptions, filters.userId, (oid) => oid);
  // "Custom range" shows From and To; it stays chosen while both are still empty.
  const [customChosen, setCustomChosen] = useState(false);
  const custom = filters.from !== undefined || filters.to !== undefined || (customChosen && filters.range === undefined);
  const timeRange = filters.range ?? (custom ? "custom" : "");

  return (
    <Stack direction="row" useFlexGap spacing={1.5} sx={{ flexWrap: "wrap", px: 2, py: 1.5, alignItems: "flex-start", "& > .MuiTextField-root": { flex: { xs: "1 1 100%", sm: "0 0 auto" } } }}>
      <TextField
        select
        size="small"
        label="Time range"
        value={timeRange}
        onChange={(event) => {
          const value = event.target.value;
          setCustomChosen(value === "custom");
          if (value === "custom") set({ range: undefined });
          else set({ range: value === "" ? undefined : (value as TimePreset), from: undefined, to: undefined });
        }}
        sx={{ minWidth: 170 }}
        slotProps={selectProps}
      >
        <MenuItem value="">Any time</MenuItem>
        {presets.map(([value, preset]) => (
          <MenuItem key={value} value={value}>
            {preset.label}
          </MenuItem>
        ))}
        <MenuItem value="custom">Custom range</MenuItem>
      </TextField>
      {custom ? (
        <>
          <TextField
            size="small"
            type="datetime-local"
            label="From"
            {...problem("from")}
            value={toDateTimeLocal(filters.from)}
            onChange={(event) => set({ from: fromDateTimeLocal(event.target.value) })}
            slotProps={{ inputLabel: { shrink: true } }}
          />
          <TextField
            size="small"
            type="datetime-local"
            label="To"
            value={toDateTimeLocal(filters.to)}
            onChange={(event) => set({ to: fromDateTimeLocal(event.target.value, true) })}
            {...problem("to")}
            slotProps={{ inputLabel: { shrink: true } }}
          />
        </>
      ) : null}
      <TextField select size="small" label="VM" {...problem("vmId")} value={filters.vmId ?? ""} onChange={(event) => set({ vmId: event.target.value || undefined })} sx={{ minWidth: 200 }} slotProps={selectProps}>
        <MenuItem value="">All VMs</MenuItem>
        {vms.map((vm) => (
          <MenuItem key={vm.value} value={vm.value}>
            {vm.label}
          </MenuItem>
        ))}
      </TextField>
      <TextField select size="small" label="User" {...problem("userId")} value={filters.userId ?? ""} onChange={(event) => set({ userId: event.target.value || undefined })} sx={{ minWidth: 180 }} slotProps={selectProps}>
        <MenuItem value="">All users</MenuItem>
        {users.map((user) => (
          <MenuItem key={user.value} value={user.value}>
            {user.label}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Action"
        {...problem("action")}
        value={filters.action ?? ""}
        onChange={(event) => set({ action: (event.target.value || undefined) as ActivityAction | undefined })}
        sx={{ minWidth: 180 }}
        slotProps={selectProps}
      >
        <MenuItem value="">All actions</MenuItem>
        {activityActions.map((action) => (
          <MenuItem key={action} value={action}>
            {actionLabels[action]}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Outcome"
        {...problem("outcome")}
        value={filters.outcome ?? ""}
        onChange={(event) => set({ outcome: (event.target.value || undefined) as ActivityFilters["outcome"] })}
        sx={{ minWidth: 140 }}
        slotProps={selectProps}
      >
        <MenuItem value="">All outcomes</MenuItem>
        {(["success", "failure"] as const).map((outcome) => (
          <MenuItem key={outcome} value={outcome}>
            {outcomeLabels[outcome]}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        size="small"
        label="Search"
        {...problem("q")}
        placeholder="Justification, VM or user"
        value={text}
        autoComplete="off"
        onChange={(event) => {
          setText(event.target.value);
          commitSearch(event.target.value);
        }}
        sx={{ minWidth: 240 }}
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
      {hasFilters(filters) ? (
        <Button
          onClick={() => {
            setText("");
            setCustomChosen(false);
            onChange({});
          }}
        >
          Clear filters
        </Button>
      ) : null}
    </Stack>
  );
}
