import { useMemo, useState, type ReactNode } from "react";
import { useSearchParams } from "react-router";
import { vmNameFromId } from "../../../lib/vm-name.ts";
import { RequestAccessContext, type RequestAccess, type RequestTarget } from "../hooks/request-access.tsx";
import { RequestAccessBlade } from "./request-access-blade.tsx";

/** The address parameter naming the VM whose Request access blade is open: a reload or a shared link opens it again. */
export const requestParam = "request";

/** Holds the page's one Request access blade; `useRequestAccess().open(vm)` shows it. */
export function RequestAccessProvider({ children }: { children: ReactNode }) {
  const [search, setSearch] = useSearchParams();
  const vmId = search.get(requestParam);
  // What the opener knew beyond the id (the NSG names the progress line names); a reload knows only the id.
  const [opened, setOpened] = useState<{ vm: RequestTarget; serial: number }>({ vm: { id: "", name: "" }, serial: 0 });
  // One object per opening: the blade tells a new opening from a re-render by identity.
  const target = useMemo(
    () =>
      vmId === null || vmId === ""
        ? undefined
        : { vm: opened.vm.id.toLowerCase() === vmId.toLowerCase() ? opened.vm : { id: vmId, name: vmNameFromId(vmId) }, serial: opened.serial },
    [vmId, opened],
  );
  const actions: RequestAccess = {
    open: (vm) => {
      setOpened((current) => ({ vm, serial: current.serial + 1 }));
      setSearch((current) => {
        const next = new URLSearchParams(current);
        next.set(requestParam, vm.id);
        return next;
      });
    },
  };
  const close = () =>
    setSearch((current) => {
      const next = new URLSearchParams(current);
      next.delete(requestParam);
      return next;
    });
  return (
    <RequestAccessContext value={actions}>
      {children}
      <RequestAccessBlade target={target} onClose={close} />
    </RequestAccessContext>
  );
}
