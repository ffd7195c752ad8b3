import { InteractionRequiredAuthError, type IPublicClientApplication } from "@azure/msal-browser";
import type { AccessTokenProvider } from "../api-client.ts";

/** The part of MSAL the token provider uses; a fake stands in for it in tests. */
export type MsalTokenClient = Pick<IPublicClientApplication, "getActiveAccount" | "acquireTokenSilent" | "acquireTokenRedirect" | "loginRedirect">;

/**
 * A redirect has started and the page is about to unload: callers wait instead of showing an error
 * that would flash for a moment before the sign-in page appears.
 */
export function untilNavigatedAway(): Promise<never> {
  return new Promise<never>(() => undefined);
}

/** Another tab or call is already redirecting; starting a second redirect would fail, waiting is right. */
function isInteractionInProgress(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { errorCode?: unknown }).errorCode === "interaction_in_progress";
}

/** Remembers the last time the API's refusal sent the user to sign in, across the redirect's page loads. */
export type ReSignInMemory = {
  storage: Pick<Storage, "getItem" | "setItem">;
  now: () => number;
};

const reSignInKey = "portcullis.reSignInAt";
/** A refusal within this long after such a sign-in is not the token's fault; redirecting again would loop. */
export const reSignInCooldownMs = 60_000;

export type MsalTokenProviderOptions = {
  memory?: ReSignInMemory;
  waitForNavigation?: () => Promise<never>;
};

/**
 * Access tokens for the API from MSAL's cache, renewed silently (refresh token) when expired or refused,
 * and interactively (a redirect to the sign-in page) only when MSAL says a user must act.
 */
export function createMsalTokenProvider(
  msal: MsalTokenClient,
  scopes: readonly string[],
  options: MsalTokenProviderOptions = {},
): AccessTokenProvider {
  const waitForNavigation = options.waitForNavigation ?? untilNavigatedAway;
  const memory = options.memory ?? { storage: window.sessionStorage, now: () => Date.now() };

  async function redirect(start: () => Promise<void>): Promise<never> {
    try {
      await start();
    } catch (error) {
      if (!isInteractionInProgress(error)) throw error;
    }
    return waitForNavigation();
  }

  return {
    async getAccessToken({ renew }) {
      const account = msal.getActiveAccount();
      if (!account) return redirect(() => msal.loginRedirect({ scopes: [...scopes] }));
      try {
        const result = await msal.acquireTokenSilent({ scopes: [...scopes], account, forceRefresh: renew });
        return result.accessToken;
      } catch (error) {
        if (error instanceof InteractionRequiredAuthError) {
          return redirect(() => msal.acquireTokenRedirect({ scopes: [...scopes], account }));
        }
        throw error;
      }
    },
    async signInAgain() {
      // The API refused a fresh token: a server-side problem (audience, clock) that signing in cannot fix
      // when it already failed right after the last sign-in. Then the caller shows the API's error instead.
      const last = Number(memory.storage.getItem(reSignInKey) ?? "0");
      if (memory.now() - last < reSignInCooldownMs) return;
      memory.storage.setItem(reSignInKey, String(memory.now()));
      const account = msal.getActiveAccount() ?? undefined;
      return redirect(() => msal.acquireTokenRedirect({ scopes: [...scopes], ...(account ? { account } : {}) }));
    },
  };
}
