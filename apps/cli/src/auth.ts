import {
  InteractionRequiredAuthError,
  ProtocolMode,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
  type ICachePlugin,
} from "@azure/msal-node";
import { AuthConfigResponseSchema, type AuthConfigResponse } from "@portcullis/contract";
import type { ConfigStore, Session } from "./config-store.ts";
import { CliError, ExitCode } from "./errors.ts";

/** MSAL's token cache in the config directory (0600), read before and written after every token call. */
function filePlugin(store: ConfigStore): ICachePlugin {
  return {
    async beforeCacheAccess(context) {
      const text = await store.readTokenCache();
      if (text !== null) context.tokenCache.deserialize(text);
    },
    async afterCacheAccess(context) {
      if (context.cacheHasChanged) await store.writeTokenCache(context.tokenCache.serialize());
    },
  };
}

/** The server's public sign-in settings; anything else means the URL is not a Portcullis server. */
export async function readAuthConfig(url: string, fetchImpl: typeof fetch = fetch): Promise<AuthConfigResponse> {
  let response: Response;
  try {
    response = await fetchImpl(new URL("/api/auth/config", url), { headers: { accept: "application/json" } });
  } catch (error) {
    throw new CliError(`Cannot reach ${url}: ${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = AuthConfigResponseSchema.safeParse(body);
  if (!response.ok || !parsed.success) throw new CliError(`${url} is not a Portcullis server (GET /api/auth/config answered ${response.status} without Portcullis sign-in settings): check --url`);
  return parsed.data;
}

function msalApp(auth: AuthConfigResponse, store: ConfigStore): PublicClientApplication {
  if (auth.cliClientId === undefined) {
    throw new CliError("This Portcullis server has no CLI client registered: ask its admin to set ENTRA_CLI_CLIENT_ID (see the README)", ExitCode.notSignedIn);
  }
  const configuration: Configuration = {
    auth: {
      clientId: auth.cliClientId,
      authority: auth.authority,
      knownAuthorities: auth.knownAuthorities,
      ...(auth.authorityMetadata === undefined ? {} : { authorityMetadata: auth.authorityMetadata }),
    },
    cache: { cachePlugin: filePlugin(store) },
    system: { protocolMode: auth.protocolMode === "OIDC" ? ProtocolMode.OIDC : ProtocolMode.AAD },
  };
  return new PublicClientApplication(configuration);
}

export interface LoginOptions {
  url: string;
  deviceCode: boolean;
  /** Tells the user where to go (device code) or that a browser opens. */
  say(line: string): void;
  openBrowser(url: string): Promise<void>;
  fetch?: typeof fetch;
}

function describeMsalError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { errorCode?: unknown }).errorCode;
    return typeof code === "string" && code !== "" ? `${code}: ${error.message.split("\n")[0] ?? ""}` : (error.message.split("\n")[0] ?? "");
  }
  return String(error);
}

/** Signs in (device code or browser with a loopback redirect) and keeps the session; returns it. */
export async function login(store: ConfigStore, options: LoginOptions): Promise<Session> {
  const url = new URL(options.url).origin;
  const auth = await readAuthConfig(url, options.fetch);
  const app = msalApp(auth, store);
  const scopes = [auth.apiScope];
  let result: AuthenticationResult | null;
  try {
    result = options.deviceCode
      ? await app.acquireTokenByDeviceCode({
          scopes,
          deviceCodeCallback: (response) => options.say(`To sign in, open ${response.verificationUri} and enter the code ${response.userCode}`),
        })
      : await app.acquireTokenInteractive({
          scopes,
          openBrowser: async (authorizeUrl) => {
            options.say(`Opening your browser to sign in. If it does not open, go to:\n${authorizeUrl}`);
            await options.openBrowser(authorizeUrl);
          },
          successTemplate: "Signed in to Portcullis. You can close this window and go back to the command line.",
          errorTemplate: "Sign-in failed: go back to the command line.",
        });
  } catch (error) {
    throw new CliError(`Sign-in failed: ${describeMsalError(error)}`, ExitCode.notSignedIn);
  }
  if (result === null || result.account === null) throw new CliError("Sign-in failed: the issuer returned no account", ExitCode.notSignedIn);
  const session: Session = { url, auth, homeAccountId: result.account.homeAccountId, username: result.account.username };
  await store.writeSession(session);
  return session;
}

/** The current session, or a one-line error telling the user to log in. */
export async function requireSession(store: ConfigStore): Promise<Session> {
  const session = await store.readSession();
  if (session === null) throw new CliError("Not signed in: run `portcullis login --url <server>` first", ExitCode.notSignedIn);
  return session;
}

/** A valid access token for the API, renewed silently with the cached refresh token. */
export async function accessToken(store: ConfigStore, session: Session): Promise<string> {
  const app = msalApp(session.auth, store);
  const account: AccountInfo | null = await app.getTokenCache().getAccountByHomeId(session.homeAccountId);
  if (account === null) throw new CliError("Not signed in: run `portcullis login` again", ExitCode.notSignedIn);
  try {
    const result = await app.acquireTokenSilent({ account, scopes: [session.auth.apiScope] });
    return result.accessToken;
  } catch (error) {
    if (error instanceof InteractionRequiredAuthError) throw new CliError("Your Portcullis sign-in has expired: run `portcullis login` again", ExitCode.notSignedIn);
    throw new CliError(`Cannot renew the sign-in: ${describeMsalError(error)}`, ExitCode.notSignedIn);
  }
}

/** Forgets the account in MSAL's cache and the session file. */
export async function logout(store: ConfigStore): Promise<boolean> {
  const session = await store.readSession();
  if (session !== null) {
    try {
      const app = msalApp(session.auth, store);
      const account = await app.getTokenCache().getAccountByHomeId(session.homeAccountId);
      if (account !== null) await app.getTokenCache().removeAccount(account);
    } catch {
      // The files are removed below whatever MSAL thinks.
    }
  }
  await store.clear();
  return session !== null;
}
