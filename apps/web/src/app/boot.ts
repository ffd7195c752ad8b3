import { createApiClient, type ApiClient, type FetchFn } from "../lib/api-client.ts";
import { getAuthConfig } from "../lib/auth/get-auth-config.ts";
import type { AuthSession } from "../lib/auth/auth-session.ts";

export type Started = { session: AuthSession; apiClient: ApiClient };

const browserFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

/**
 * Before anything renders: read the public sign-in settings, start MSAL (finishing a sign-in that just
 * redirected back), then build the app's one API client with the session's token provider.
 * MSAL is a chunk of its own, downloaded while the settings are fetched rather than before.
 */
export async function startPortal(): Promise<Started> {
  const [config, { startAuthSession }] = await Promise.all([
    getAuthConfig(createApiClient({ fetch: browserFetch })),
    import("../lib/auth/auth-session.ts"),
  ]);
  const session = await startAuthSession(config);
  return { session, apiClient: createApiClient({ fetch: browserFetch, tokens: session.tokens }) };
}
