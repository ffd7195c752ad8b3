import type { Request } from "express";
import { badRequest } from "./errors.ts";
import { baseUrl } from "./request-context.ts";

export interface Page {
  value: unknown[];
  nextLink?: string;
}

const SKIP_TOKEN = "$skiptoken";

function offsetOf(req: Request): number {
  const raw = new URL(req.originalUrl, "https://emulator.invalid").searchParams.get(SKIP_TOKEN);
  if (raw === null) return 0;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest("InvalidQueryParameterValue", `The value '${raw}' of query parameter '${SKIP_TOKEN}' is invalid.`);
  return Number(raw);
}

/**
 * One page of a list, ARM style: `value` plus a `nextLink` (absolute URL, api-version kept) while more items
 * remain. The SDK follows `nextLink` as given.
 */
export function pageOf<T>(req: Request, items: readonly T[], pageSize: number, render: (item: T) => unknown): Page {
  const offset = offsetOf(req);
  const slice = items.slice(offset, offset + pageSize);
  const page: Page = { value: slice.map(render) };
  const next = offset + pageSize;
  if (next < items.length) {
    const url = new URL(req.originalUrl, baseUrl(req));
    url.searchParams.set(SKIP_TOKEN, String(next));
    page.nextLink = url.toString();
  }
  return page;
}
