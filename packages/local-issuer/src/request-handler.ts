import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { UserDirectory } from "./demo-users.ts";
import { FormBodyError } from "./form-body.ts";
import { handleInteraction, INTERACTION_PATH, sendInteractionError } from "./interactions.ts";
import { ROUTES } from "./provider-config.ts";
import { addSpaClientToLogout, normalizeTokenRequest } from "./request-rewrites.ts";
import type { DemoUser, SpaClientOptions } from "./types.ts";

export interface RequestHandlerDeps {
  provider: Provider;
  directory: UserDirectory;
  users: DemoUser[];
  spaClient: SpaClientOptions;
  /** Clients whose consent is implied (the SPA, the CLI). */
  firstPartyClientIds: ReadonlySet<string>;
  isClosed: () => boolean;
}

function sendOAuthError(res: ServerResponse, status: number, error: string, description: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify({ error, error_description: description }));
}

/** Routes the login pages ourselves and everything else to oidc-provider (a Koa app). */
export function createRequestHandler(deps: RequestHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { provider, spaClient, isClosed } = deps;
  const oidc = provider.callback();
  const postLogoutUris = new Set(spaClient.postLogoutRedirectUris);

  return (req, res) => {
    if (isClosed()) {
      sendOAuthError(res, 503, "temporarily_unavailable", "the local issuer is shut down");
      return;
    }
    const pathname = new URL(req.url ?? "/", "http://issuer.invalid").pathname;

    const interaction = INTERACTION_PATH.exec(pathname);
    if (interaction?.[1]) {
      handleInteraction(deps, req, res, interaction[1]).catch((error: unknown) => sendInteractionError(res, error));
      return;
    }
    if (pathname === ROUTES.end_session && req.method === "GET") {
      addSpaClientToLogout(req, spaClient.clientId, postLogoutUris);
    }
    if (pathname === ROUTES.token && req.method === "POST") {
      normalizeTokenRequest(req)
        .then((request) => oidc(request, res))
        .catch((error: unknown) => {
          if (error instanceof FormBodyError) sendOAuthError(res, 400, "invalid_request", error.message);
          else {
            console.error(`local issuer: token request failed: ${error instanceof Error ? error.message : "unknown error"}`);
            sendOAuthError(res, 500, "server_error", "the token request could not be processed");
          }
        });
      return;
    }
    void oidc(req, res);
  };
}
