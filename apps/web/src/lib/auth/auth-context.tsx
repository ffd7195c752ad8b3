import { createContext, useContext, type ReactNode } from "react";
import type { AuthSession } from "./auth-session.ts";

const AuthSessionContext = createContext<AuthSession | undefined>(undefined);

export function AuthSessionProvider({ session, children }: { session: AuthSession; children: ReactNode }) {
  return <AuthSessionContext value={session}>{children}</AuthSessionContext>;
}

export function useAuthSession(): AuthSession {
  const session = useContext(AuthSessionContext);
  if (!session) throw new Error("useAuthSession must be used inside <AuthSessionProvider>.");
  return session;
}
