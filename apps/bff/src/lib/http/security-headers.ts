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
export function securityHeaders(identityOrigins: readonly string[]): RequestHandler {
  const policy = (frameAncestors: string) =>
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
          formAction: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
      xFrameOptions: { action: frameAncestors === "'none'" ? "deny" : "sameorigin" },
    });
  const everywhere = policy("'none'");
  const silentRedirect = policy("'self'");
  return (req, res, next) => (req.path === silentRedirectPath ? silentRedirect : everywhere)(req, res, next);
}
