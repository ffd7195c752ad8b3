import { createContext, useContext, type ReactNode } from "react";
import type { MeResponse } from "@portcullis/contract";

const CurrentUserContext = createContext<MeResponse | undefined>(undefined);

/** Set by the portal shell once `/api/me` has answered, so pages never render without knowing the user. */
export function CurrentUserProvider({ me, children }: { me: MeResponse; children: ReactNode }) {
  return <CurrentUserContext value={me}>{children}</CurrentUserContext>;
}

export function useCurrentUser(): MeResponse {
  const me = useContext(CurrentUserContext);
  if (!me) throw new Error("useCurrentUser must be used inside <CurrentUserProvider> (the portal shell).");
  return me;
}
