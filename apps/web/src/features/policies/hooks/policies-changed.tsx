import { createContext, useContext, type ReactNode } from "react";

type OnPoliciesChanged = () => Promise<unknown> | void;

const PoliciesChangedContext = createContext<OnPoliciesChanged | undefined>(undefined);

/**
 * What else must be refetched after a policy changes (the inventory's tabs): the page that composes
 * this feature says so, since features do not import each other.
 */
export function PoliciesChangedProvider({ onChanged, children }: { onChanged: OnPoliciesChanged; children: ReactNode }) {
  return <PoliciesChangedContext value={onChanged}>{children}</PoliciesChangedContext>;
}

export function useOnPoliciesChanged(): OnPoliciesChanged {
  return useContext(PoliciesChangedContext) ?? noop;
}

function noop() {}
