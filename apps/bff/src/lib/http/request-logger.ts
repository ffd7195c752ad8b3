import { randomUUID } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import { callerForLog } from "../auth/authenticate.ts";
import type { Logger } from "../logger.ts";

/** Query parameters that can carry a credential (sign-out sends the ID token as id_token_hint). */
const secretParams = /^(?:id_token_hint|id_token|access_token|refresh_token|code|code_verifier|client_secret|token|password|session_state)$/i;

/** The URL with the values of credential-bearing query parameters replaced. */
export function redactUrl(url: string): string {
  const query = url.indexOf("?");
  if (query === -1) return url;
  const params = url
    .slice(query + 1)
    .split("&")
    .map((pair) => {
      const name = pair.split("=", 1)[0] ?? "";
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // Keep the raw name.
      }
      return secretParams.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, query)}?${params.join("&")}`;
}

/**
 * One log line per request: method, path (credentials in the query redacted), status, time, and the signed-in
 * caller (`caller: { oid, tid }`, once the token was validated); never bodies, headers or tokens.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => {
      const id = randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    // The error middleware logs 5xx with their cause; this line only records that it happened.
    customLogLevel: (req, res, error) => {
      if (error !== undefined || res.statusCode >= 500) return "warn";
      if (req.url === "/api/healthz" || req.url === "/api/readyz") return "debug";
      return "info";
    },
    // pino-http invents an Error (with a stack) for every 5xx; the error middleware already logged the real one.
    customErrorObject: (_req, _res, _error, value: { res: unknown; responseTime: number }) => ({
      res: value.res,
      responseTime: value.responseTime,
    }),
    customErrorMessage: (_req, res) => `request failed with status ${res.statusCode}`,
    // Read again when the response ends, by which time authentication has run.
    customProps: (req) => {
      const caller = callerForLog(req as Request);
      return caller === undefined ? {} : { caller };
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
