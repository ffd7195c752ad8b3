/** Keyset position of the last event on a page: newest first by (at, seq). */
export interface ActivityCursor {
  at: Date;
  seq: string;
}

const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const seqPattern = /^\d{1,19}$/;
/** `audit_event.seq` is a PostgreSQL bigint. */
const maxSeq = 2n ** 63n - 1n;

/** Opaque to clients: base64url of `<ISO time>|<seq>` (times are stored to the millisecond). */
export function encodeCursor(cursor: ActivityCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.seq}`, "utf8").toString("base64url");
}

/**
 * Undefined when the text is not a cursor this server could have written: besides the shape, the time must be a
 * real instant that reads back the same (no 31 February, no year 0, which PostgreSQL refuses) and the sequence
 * must fit a bigint, so a forged cursor is a 400 rather than a database error.
 */
export function decodeCursor(text: string): ActivityCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const [at, seq, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || at === undefined || seq === undefined || !isoMillis.test(at) || !seqPattern.test(seq)) return undefined;
  if (BigInt(seq) > maxSeq || at.startsWith("0000")) return undefined;
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at) return undefined;
  return { at: date, seq };
}
