import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "../logger.ts";

/** One log line per request: method, path, status, time; never bodies or headers. */
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
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
