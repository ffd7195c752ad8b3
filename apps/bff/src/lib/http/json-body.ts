import express, { type RequestHandler } from "express";
import { ErrorCode } from "@portcullis/contract";
import { AppError } from "../errors.ts";

/** The largest JSON body the API reads (after decompression). */
export const jsonBodyLimitBytes = 100 * 1024;

/** What a body that cannot be read breaks: always a 4xx naming `body`. */
export class BodyError extends AppError {
  constructor(status: 400 | 413 | 415, rule: string, cause?: unknown) {
    super(status, ErrorCode.badRequest, `body: ${rule}`, { details: { problems: [{ field: "body", rule }] }, ...(cause === undefined ? {} : { cause }) });
  }
}

const jsonTypes = ["application/json", "application/*+json"];

/**
 * The API's body parser: JSON only (a body of another type is a 415 rather than silently ignored), at most
 * 100 KB once decompressed (gzip, deflate, br; anything else is a 415), strict (objects and arrays only).
 */
export function jsonBody(): RequestHandler[] {
  const onlyJson: RequestHandler = (req, _res, next) => {
    // An empty body (Content-Length: 0, as clients send a POST without one) has no type to check.
    const hasContent = req.get("transfer-encoding") !== undefined || Number(req.get("content-length") ?? "0") > 0;
    if (hasContent && req.is(jsonTypes) === false) throw new BodyError(415, "must be JSON, sent with Content-Type: application/json");
    next();
  };
  const parse = express.json({ limit: jsonBodyLimitBytes, type: jsonTypes });
  // The parser's own errors become BodyErrors right here, so nothing else needs to know body-parser's error shapes.
  const parseJson: RequestHandler = (req, res, next) => {
    parse(req, res, (error?: unknown) => next(error === undefined ? undefined : (bodyParserError(error) ?? error)));
  };
  return [onlyJson, parseJson];
}

/** An error body-parser (raw-body, http-errors) raised: a 4xx with `expose`, and a `type` except for decompression errors. */
interface ParserError {
  status: number;
  type?: string;
  expose?: boolean;
  encoding?: string;
  charset?: string;
  limit?: number;
}

function isParserError(error: unknown): error is ParserError {
  if (typeof error !== "object" || error === null) return false;
  const { status, expose, type } = error as { status?: unknown; expose?: unknown; type?: unknown };
  return typeof status === "number" && status >= 400 && status < 500 && (expose === true || typeof type === "string");
}

function sizeText(bytes: number | undefined): string {
  return bytes === undefined ? "100 KB" : `${Math.round(bytes / 1024)} KB`;
}

/** Why the body could not be read, in words that name the rule (echoing no more than a header's token). */
function ruleOf(error: ParserError): { status: 400 | 413 | 415; rule: string } {
  switch (error.type) {
    case "entity.parse.failed":
      return { status: 400, rule: "is not valid JSON (an object or an array)" };
    case "entity.too.large":
      return { status: 413, rule: `is too large: at most ${sizeText(error.limit)} (after decompression)` };
    case "encoding.unsupported":
      return { status: 415, rule: "has a Content-Encoding the API does not read (use gzip, deflate, br or none)" };
    case "charset.unsupported":
      return { status: 415, rule: "has a charset the API does not read (use utf-8)" };
    case "request.aborted":
      return { status: 400, rule: "was not received completely (the request was aborted)" };
    case "request.size.invalid":
      return { status: 400, rule: "does not have the length its Content-Length says" };
    default:
      // zlib and brotli errors come through as a plain 400 without a type.
      return { status: 400, rule: "could not be read: it is not valid for its Content-Encoding" };
  }
}

/** The API's answer to a body the parser refused; undefined for any other error (a 5xx stays what it is). */
function bodyParserError(error: unknown): BodyError | undefined {
  if (!isParserError(error)) return undefined;
  const { status, rule } = ruleOf(error);
  return new BodyError(status, rule, error);
}
