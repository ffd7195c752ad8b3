import type { IncomingMessage } from "node:http";

export class FormBodyError extends Error {}

const FORM_LIMIT_BYTES = 16 * 1024;

export type FormFields = Record<string, string | string[]>;

function toFields(params: URLSearchParams): FormFields {
  const fields: FormFields = {};
  for (const [name, value] of params) {
    const existing = fields[name];
    fields[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return fields;
}

export function isFormContentType(req: IncomingMessage): boolean {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/x-www-form-urlencoded";
}

export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    received += buffer.length;
    if (received > limit) throw new FormBodyError("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, received);
}

/** An urlencoded form body, or the object an upstream body parser (express.urlencoded) already produced. */
export async function readFormBody(req: IncomingMessage): Promise<FormFields> {
  if (!isFormContentType(req)) throw new FormBodyError("expected an application/x-www-form-urlencoded body");
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (!req.readable && typeof parsed === "object" && parsed !== null) {
    const pairs = Object.entries(parsed).flatMap(([name, value]): Array<[string, string]> =>
      Array.isArray(value) ? value.map((item): [string, string] => [name, String(item)]) : [[name, String(value)]],
    );
    return toFields(new URLSearchParams(pairs));
  }
  return toFields(new URLSearchParams((await readRawBody(req, FORM_LIMIT_BYTES)).toString("utf8")));
}
