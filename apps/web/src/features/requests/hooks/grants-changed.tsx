import { createContext, useContext, type ReactNode } from "react";

type OnGrantsChanged = () => Promise<unknown> | void;

const GrantsChangedContext = createContext<OnGrantsChanged | undefined>(undefined);

/**
 * What else must be refetched after access is opened, extended or revoked (the inventory's rows, a VM's
 * NSG rules): the page that composes this feature says so, since features do not import each other.
 */
export function GrantsChangedProvider({ onChanged, children }: { onChanged: OnGrantsChanged; children: ReactNode }) {
  return <GrantsChangedContext value={onChanged}>{children}</GrantsChangedContext>;
}

export function useOnGrantsChanged(): OnGrantsChanged {
  return useContext(GrantsChangedContext) ?? noop;
}

function noop() {}
