import { ActivityQuerySchema, type ActivityAction } from "@portcullis/contract";
import { InputError } from "../lib/errors.ts";
import { parseInput } from "../lib/http/validation.ts";
import { decodeCursor, type ActivityCursor } from "./cursor.ts";

/** The filters of a page or an export, checked and in the form the repository queries. */
export interface ActivityFilter {
  from?: Date;
  to?: Date;
  /** Lower-cased. */
  vmId?: string;
  /** Lower-cased actor oid. */
  userId?: string;
  action?: ActivityAction;
  outcome?: "success" | "failure";
  correlationId?: string;
  /** A tsquery over the words of `q` (each a prefix), AND-ed. */
  search?: string;
  cursor?: ActivityCursor;
  pageSize: number;
}

function fail(field: string, rule: string): never {
  throw new InputError(`${field}: ${rule}`, { details: { problems: [{ field, rule }] } });
}

/**
 * The free text as a tsquery: each whitespace-separated term must match, a term's letter-and-digit runs as a
 * phrase of prefixes (`vm-web-0` is `vm:* <-> web:* <-> 0:*`). Only letters and digits reach the parser.
 */
export function searchQuery(text: string): string | undefined {
  const terms = text
    .toLowerCase()
    .split(/\s+/)
    .map((term) => (term.match(/[\p{L}\p{N}]+/gu) ?? []).map((word) => `${word}:*`).join(" <-> "))
    .filter((term) => term !== "");
  return terms.length === 0 ? undefined : [...new Set(terms)].slice(0, 16).join(" & ");
}

/** Parses the query string of GET /api/activity and the exports: 400 naming the parameter and the rule. */
export function parseActivityFilter(query: unknown): ActivityFilter {
  const parsed = parseInput(ActivityQuerySchema, query, "query");
  const from = parsed.from === undefined ? undefined : new Date(parsed.from);
  const to = parsed.to === undefined ? undefined : new Date(parsed.to);
  if (from !== undefined && to !== undefined && from > to) fail("from", `must not be after to (${parsed.from} is after ${parsed.to})`);
  let cursor: ActivityCursor | undefined;
  if (parsed.cursor !== undefined) {
    cursor = decodeCursor(parsed.cursor);
    if (cursor === undefined) fail("cursor", "is not a cursor from a previous page (use nextCursor as it was sent)");
  }
  let search: string | undefined;
  if (parsed.q !== undefined && parsed.q !== "") {
    search = searchQuery(parsed.q);
    if (search === undefined) fail("q", "must contain a letter or a digit");
  }
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(parsed.vmId ? { vmId: parsed.vmId.toLowerCase() } : {}),
    ...(parsed.userId ? { userId: parsed.userId.toLowerCase() } : {}),
    ...(parsed.action === undefined ? {} : { action: parsed.action }),
    ...(parsed.outcome === undefined ? {} : { outcome: parsed.outcome }),
    ...(parsed.correlationId ? { correlationId: parsed.correlationId } : {}),
    ...(search === undefined ? {} : { search }),
    ...(cursor === undefined ? {} : { cursor }),
    pageSize: parsed.pageSize,
  };
}
