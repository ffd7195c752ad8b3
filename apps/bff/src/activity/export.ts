import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Response } from "express";
import { stringify } from "csv-stringify";
import type { ActivityEvent } from "@portcullis/contract";
import type { Logger } from "../lib/logger.ts";

export type ExportFormat = "csv" | "jsonl";

export const csvColumns = [
  "time",
  "seq",
  "id",
  "action",
  "outcome",
  "actor_oid",
  "actor_name",
  "actor_ip",
  "vm_id",
  "vm_name",
  "ports",
  "sources",
  "duration_minutes",
  "justification",
  "error",
  "correlation_id",
  "details",
  "hash",
] as const;

/**
 * A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` (and tab or CR, which some skip first) as a
 * formula: such a cell gets a leading `'`, so it is shown as the text it is (OWASP's CSV injection advice).
 */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvRecord(event: ActivityEvent): string[] {
  const cells = [
    event.at,
    String(event.seq),
    event.id,
    event.action,
    event.outcome,
    event.actor.oid,
    event.actor.name,
    event.actor.ip ?? "",
    event.vmId ?? "",
    event.vmName ?? "",
    event.ports.join(" "),
    event.sources.join(" "),
    event.durationMinutes === null ? "" : String(event.durationMinutes),
    event.justification ?? "",
    event.error ?? "",
    event.correlationId ?? "",
    JSON.stringify(event.details),
    event.hash,
  ];
  return cells.map(csvSafe);
}

const contentTypes: Record<ExportFormat, string> = { csv: "text/csv; charset=utf-8", jsonl: "application/x-ndjson; charset=utf-8" };

function fileName(format: ExportFormat, now: Date): string {
  return `activity-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}.${format}`;
}

/** Takes the first item before anything is sent, so a failing first database read still gets an error response. */
async function primed<T>(items: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done === true) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    },
  };
}

/**
 * Streams the events to the response as CSV (RFC 4180 quoting by csv-stringify, header row) or JSON lines,
 * pulling batches from `events` only as fast as the client reads. A failure once bytes have gone out can only
 * cut the response short: it is logged and the connection closed, so the client sees an incomplete download.
 */
export async function streamExport(res: Response, format: ExportFormat, events: AsyncIterable<ActivityEvent>, logger: Logger, now = new Date()): Promise<void> {
  const source = Readable.from(await primed(events), { objectMode: true });
  res.status(200);
  res.setHeader("Content-Type", contentTypes[format]);
  res.setHeader("Content-Disposition", `attachment; filename="${fileName(format, now)}"`);
  try {
    if (format === "csv") {
      await pipeline(
        source,
        async function* (rows: AsyncIterable<ActivityEvent>) {
          for await (const event of rows) yield csvRecord(event);
        },
        stringify({ header: true, columns: [...csvColumns] }),
        res,
      );
    } else {
      await pipeline(
        source,
        async function* (rows: AsyncIterable<ActivityEvent>) {
          for await (const event of rows) yield `${JSON.stringify(event)}\n`;
        },
        res,
      );
    }
  } catch (error) {
    // A client that went away is not an error worth more than a debug line.
    if (res.destroyed && (error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") logger.debug("activity export: client went away");
    else logger.error({ err: error }, "activity export failed part-way; the response was cut short");
    res.destroy();
  }
}
