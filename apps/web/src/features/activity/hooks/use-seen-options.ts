import { useMemo, useRef } from "react";
import type { ActivityEvent } from "@portcullis/contract";

export type Option = { value: string; label: string };

/**
 * The VMs and users met in the events loaded so far, for the filter drop-downs; they grow as pages load and
 * stay when a filter narrows the rows, so the user can switch from one VM to another.
 */
export function useSeenOptions(events: readonly ActivityEvent[]): { vms: Option[]; users: Option[] } {
  const vms = useRef(new Map<string, string>());
  const users = useRef(new Map<string, string>());
  return useMemo(() => {
    for (const event of events) {
      if (event.vmId !== null) vms.current.set(event.vmId, event.vmName ?? event.vmId);
      users.current.set(event.actor.oid, event.actor.name);
    }
    const sorted = (map: Map<string, string>) => [...map].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
    return { vms: sorted(vms.current), users: sorted(users.current) };
  }, [events]);
}
