import { describe, expect, it } from "vitest";
import { BrowserAuthError, InteractionRequiredAuthError, type AccountInfo, type AuthenticationResult, type RedirectRequest, type SilentRequest } from "@azure/msal-browser";
import { createMsalTokenProvider, reSignInCooldownMs, type MsalTokenClient, type ReSignInMemory } from "./msal-token-provider.ts";

const scope = "api://portcullis/access_as_user";
const account: AccountInfo = { homeAccountId: "h", environment: "localhost:8080", tenantId: "t", username: "dev@contoso.test", localAccountId: "l" };

type Fake = MsalTokenClient & { silent: SilentRequest[]; redirects: RedirectRequest[]; logins: RedirectRequest[] };

function fakeMsal(options: { account?: AccountInfo | null; silent?: (request: SilentRequest) => Promise<string>; redirect?: () => Promise<void> }): Fake {
  const fake: Fake = {
    silent: [],
    redirects: [],
    logins: [],
    getActiveAccount: () => (options.account === undefined ? account : options.account),
    acquireTokenSilent: async (request) => {
      fake.silent.push(request);
      const accessToken = await (options.silent ?? (async () => "token"))(request);
      return { accessToken } as AuthenticationResult;
    },
    acquireTokenRedirect: async (request) => {
      fake.redirects.push(request);
      await options.redirect?.();
    },
    loginRedirect: async (request) => {
      fake.logins.push(request ?? { scopes: [] });
    },
  };
  return fake;
}

function memoryAt(now: number): ReSignInMemory & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, now: () => now, storage: { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value) } };
}

/** "navigating" stands for the never-settling promise a redirect leaves behind. */
const navigating = Symbol("navigating");
const options = (memory: ReSignInMemory = memoryAt(1_000_000)) => ({ memory, waitForNavigation: () => Promise.reject(navigating) });

describe("MSAL token provider", () => {
  it("returns the cached token for the API scope, and forces a refresh only when renewing", async () => {
    const msal = fakeMsal({ silent: async (request) => (request.forceRefresh ? "renewed" : "cached") });
    const tokens = createMsalTokenProvider(msal, [scope], options());

    await expect(tokens.getAccessToken({ renew: false })).resolves.toBe("cached");
    await expect(tokens.getAccessToken({ renew: true })).resolves.toBe("renewed");
    expect(msal.silent.map((request) => [request.scopes, request.account, request.forceRefresh])).toEqual([
      [[scope], account, false],
      [[scope], account, true],
    ]);
    expect(msal.redirects).toHaveLength(0);
  });

  it("when MSAL says interaction is required, then it redirects to sign in for the API scope", async () => {
    const msal = fakeMsal({
      silent: async () => {
        throw new InteractionRequiredAuthError("invalid_grant", "correlation-1", "refresh token expired");
      },
    });
    const tokens = createMsalTokenProvider(msal, [scope], options());

    await expect(tokens.getAccessToken({ renew: true })).rejects.toBe(navigating);
    expect(msal.redirects).toEqual([{ scopes: [scope], account }]);
  });

  it("when silent renewal fails for another reason, then the error reaches the caller and no redirect starts", async () => {
    const failure = new Error("network down");
    const msal = fakeMsal({
      silent: async () => {
        throw failure;
      },
    });
    const tokens = createMsalTokenProvider(msal, [scope], options());

    await expect(tokens.getAccessToken({ renew: false })).rejects.toBe(failure);
    expect(msal.redirects).toHaveLength(0);
  });

  it("when nobody is signed in, then it starts sign-in instead of asking MSAL for a token", async () => {
    const msal = fakeMsal({ account: null });
    const tokens = createMsalTokenProvider(msal, [scope], options());

    await expect(tokens.getAccessToken({ renew: false })).rejects.toBe(navigating);
    expect(msal.logins).toEqual([{ scopes: [scope] }]);
    expect(msal.silent).toHaveLength(0);
  });

  it("when another redirect is already under way, then it waits for it rather than failing", async () => {
    const msal = fakeMsal({
      silent: async () => {
        throw new InteractionRequiredAuthError("interaction_required", "correlation-2");
      },
      redirect: async () => {
        throw new BrowserAuthError("interaction_in_progress", "correlation-3");
      },
    });
    const tokens = createMsalTokenProvider(msal, [scope], options());

    await expect(tokens.getAccessToken({ renew: false })).rejects.toBe(navigating);
  });

  it("signs in again after the API refused a fresh token, but not twice within the cooldown (no redirect loop)", async () => {
    const memory = memoryAt(1_000_000);
    const msal = fakeMsal({});
    await expect(createMsalTokenProvider(msal, [scope], options(memory)).signInAgain()).rejects.toBe(navigating);
    expect(msal.redirects).toEqual([{ scopes: [scope], account }]);

    // The page came back from that sign-in and the API still refuses: show its error instead of looping.
    const soon = { ...memory, now: () => 1_000_000 + reSignInCooldownMs - 1 };
    await expect(createMsalTokenProvider(msal, [scope], options(soon)).signInAgain()).resolves.toBeUndefined();
    expect(msal.redirects).toHaveLength(1);

    const later = { ...memory, now: () => 1_000_000 + reSignInCooldownMs };
    await expect(createMsalTokenProvider(msal, [scope], options(later)).signInAgain()).rejects.toBe(navigating);
    expect(msal.redirects).toHaveLength(2);
  });
});
