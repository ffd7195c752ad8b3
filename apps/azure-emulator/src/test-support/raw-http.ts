import { request } from "node:https";
import type { RunningEmulator } from "../types.ts";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface RawRequestOptions {
  body?: unknown;
  /** Sent as is (with content-type application/json) instead of `body`, e.g. to send malformed JSON. */
  rawBody?: string;
  /** Bearer token; null sends no Authorization header. Default "raw-test-token". */
  token?: string | null;
  headers?: Record<string, string>;
}

function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A plain HTTPS request to the emulator (trusting its certificate), for what the SDK cannot show. */
export function rawRequest(emulator: RunningEmulator, method: string, pathOrUrl: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(pathOrUrl, emulator.url);
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? "raw-test-token" : options.token;
  if (token !== null) headers["authorization"] = `Bearer ${token}`;
  if (payload !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: emulator.caCertPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parseBody(text) });
      });
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
