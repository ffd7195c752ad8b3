import { createContext, useContext } from "react";

/** The VM a request is for; `nsgNames` lets the progress line say which NSGs are being written. */
export type RequestTarget = { id: string; name: string; nsgNames?: readonly string[] };

/** Opens the one Request access blade of the page from anywhere (row menu, selection bar, Properties blade). */
export type RequestAccess = { open: (vm: RequestTarget) => void };

export const RequestAccessContext = createContext<RequestAccess | undefined>(undefined);

export function useRequestAccess(): RequestAccess {
  const actions = useContext(RequestAccessContext);
  if (!actions) throw new Error("useRequestAccess must be used inside <RequestAccessProvider>.");
  return actions;
}
