import type { RequestHandler } from "express";
import helmet from "helmet";

/** The SPA's redirect page for MSAL's silent (iframe) renewal: the only page the portal itself may frame. */
export const silentRedirectPath = "/auth/callback";

/**
 * Helmet with a Content-Security-Policy that allows only what the SPA needs: its own scripts, MUI's injected
 * styles, same-origin API calls, and the identity provider (same origin locally; Entra ID's origin, which MSAL
 * calls with fetch and frames for silent renewal, otherwise). No upgrade-insecure-requests, so that
 * http://localhost works. The API is same-origin: no CORS headers are ever sent.
 */
export function securityHeaders(identityOrigins: readonly string[], localIssuerPath: string | null = null): RequestHandler {
  const policy = (frameAncestors: string, formTargets: readonly string[] = []) =>
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // MUI (emotion) injects <style> elements at run time.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          connectSrc: ["'self'", ...identityOrigins],
          frameSrc: ["'self'", ...identityOrigins],
          frameAncestors: [frameAncestors],
          formAction: ["'self'", ...formTargets],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
      xFrameOptions: { action: frameAncestors === "'none'" ? "deny" : "sameorigin" },
    });
  const everywhere = policy("'none'");
  const silentRedirect = policy("'self'");
  // The local issuer answers a native client (the CLI, RFC 8252) with a form posting the code to its loopback
  // listener on a port of its choosing (MSAL Node's response_mode=form_post); oidc-provider adds its script's hash.
  const issuerPages = policy("'none'", ["http://localhost:*", "http://127.0.0.1:*"]);
  return (req, res, next) => {
    if (req.path === silentRedirectPath) return silentRedirect(req, res, next);
    if (localIssuerPath !== null && req.path.startsWith(`${localIssuerPath}/`)) return issuerPages(req, res, next);
    return everywhere(req, res, next);
  };
}
