import { useRef, useState, type ReactNode } from "react";
import { RequestAccessContext, type RequestAccess, type RequestTarget } from "../hooks/request-access.tsx";
import { RequestAccessBlade } from "./request-access-blade.tsx";

/** Holds the page's one Request access blade; `useRequestAccess().open(vm)` shows it. */
export function RequestAccessProvider({ children }: { children: ReactNode }) {
  const [target, setTarget] = useState<{ vm: RequestTarget; serial: number } | undefined>(undefined);
  const openings = useRef(0);
  const actions: RequestAccess = {
    open: (vm) => {
      openings.current += 1;
      setTarget({ vm, serial: openings.current });
    },
  };
  return (
    <RequestAccessContext value={actions}>
      {children}
      <RequestAccessBlade target={target} onClose={() => setTarget(undefined)} />
    </RequestAccessContext>
  );
}
