import { createStandardPublicClientApplication, type AccountInfo, type IPublicClientApplication } from "@azure/msal-browser";
import type { AuthConfigResponse } from "@portcullis/contract";
import type { AccessTokenProvider } from "../api-client.ts";
import { apiScopes, msalConfiguration } from "./msal-configuration.ts";
import { createMsalTokenProvider } from "./msal-token-provider.ts";

/** The signed-in state of this tab, fixed for the page's life: every change of it is a full-page redirect. */
export type AuthSession = {
  /** Undefined when nobody is signed in. */
  account: AccountInfo | undefined;
  /** Why the last redirect back from the sign-in page failed (e.g. the user cancelled), if it did. */
  redirectError: unknown;
  mode: AuthConfigResponse["mode"];
  tokens: AccessTokenProvider;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
};

function activeAccountAfterRedirect(msal: IPublicClientApplication, redirected: AccountInfo | undefined): AccountInfo | undefined {
  const account = redirected ?? msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  if (account) msal.setActiveAccount(account);
  return account ?? undefined;
}

/**
 * Starts MSAL from the BFF's settings and finishes a sign-in that just redirected back. MSAL returns the
 * browser to the page where sign-in started (its default), so a deep link survives signing in.
 */
export async function startAuthSession(config: AuthConfigResponse, origin: string = window.location.origin): Promise<AuthSession> {
  const msal = await createStandardPublicClientApplication(msalConfiguration(config, origin));
  const scopes = apiScopes(config);

  let redirected: AccountInfo | undefined;
  let redirectError: unknown;
  try {
    redirected = (await msal.handleRedirectPromise())?.account ?? undefined;
  } catch (error) {
    redirectError = error;
  }
  const account = activeAccountAfterRedirect(msal, redirected);

  return {
    account,
    redirectError,
    mode: config.mode,
    tokens: createMsalTokenProvider(msal, scopes),
    signIn: () => msal.loginRedirect({ scopes, redirectStartPage: window.location.href }),
    signOut: () => msal.logoutRedirect({ ...(account ? { account } : {}), postLogoutRedirectUri: `${origin}/` }),
  };
}
