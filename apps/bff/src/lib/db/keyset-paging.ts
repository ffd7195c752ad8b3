import { isUuid } from "@portcullis/contract";
import { sql, type RawBuilder } from "kysely";
import { InputError } from "../errors.ts";
import { dateValue } from "./row-values.ts";

/**
 * Keyset paging for lists ordered newest first by `(created_at, id)` (grants, access requests): a page is the rows
 * strictly after the previous page's last row, so rows written meanwhile neither repeat nor get skipped, and no
 * offset is counted. Times are written from JavaScript Dates, so they hold milliseconds and the cursor keeps them
 * exactly.
 */
export interface KeysetCursor {
  createdAt: Date;
  id: string;
}

/** Which list a cursor belongs to: a cursor from one list is refused by another. */
export type KeysetList = "grants" | "access-requests";

const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Opaque to clients: base64url of `<list>|<ISO time>|<id>`. */
export function encodeKeysetCursor(list: KeysetList, cursor: KeysetCursor): string {
  return Buffer.from(`${list}|${cursor.createdAt.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** Undefined when the text is not a cursor this server wrote for `list`. */
export function decodeKeysetCursor(list: KeysetList, text: string): KeysetCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const [kind, at, id, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || kind !== list || at === undefined || id === undefined || !isoMillis.test(at) || !isUuid(id) || id !== id.toLowerCase()) return undefined;
  const createdAt = new Date(at);
  // Date rolls an impossible day (Feb 31) over instead of refusing it: only a time that reads back the same is one we wrote.
  return Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at ? undefined : { createdAt, id };
}

/** The `cursor` query parameter: undefined when absent, a 400 naming `cursor` when it is not one of this list's. */
export function cursorParam(list: KeysetList, text: string | undefined): KeysetCursor | undefined {
  if (text === undefined || text === "") return undefined;
  const cursor = decodeKeysetCursor(list, text);
  if (cursor === undefined) {
    const rule = "is not a cursor from a previous page (use nextCursor as it was sent)";
    throw new InputError(`cursor: ${rule}`, { details: { problems: [{ field: "cursor", rule }] } });
  }
  return cursor;
}

/** SQL: the row comes after the cursor in `(created_at desc, id desc)` order. */
export function afterCursor(cursor: KeysetCursor): RawBuilder<boolean> {
  return sql<boolean>`(created_at, id) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
}

/**
 * A page from the `pageSize + 1` rows a query fetched (one more tells whether another page exists without
 * counting): the rows to show and the cursor after the last of them, null on the last page.
 */
export function pageOf<R extends { created_at: Date | string; id: string }>(list: KeysetList, rows: readonly R[], pageSize: number): { rows: R[]; nextCursor: string | null } {
  const shown = rows.slice(0, pageSize);
  const last = shown.at(-1);
  const more = rows.length > pageSize && last !== undefined;
  return { rows: shown, nextCursor: more ? encodeKeysetCursor(list, { createdAt: dateValue(last.created_at), id: last.id }) : null };
}
