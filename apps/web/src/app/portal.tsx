import { useAuthSession } from "../lib/auth/auth-context.tsx";
import { SignInLanding } from "./layout/sign-in-landing.tsx";
import { AppRouter } from "./router.tsx";

/** Signed out: the landing page with "Sign in" (whatever the path, which sign-in returns to). Signed in: the portal. */
export function Portal() {
  const session = useAuthSession();
  return session.account ? <AppRouter /> : <SignInLanding />;
}
