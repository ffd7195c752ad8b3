/**
 * Rows for people on a terminal (aligned columns) and for pipes (tab-separated, with the header), so `grep`,
 * `cut` and `awk` work without --json. No colours: nothing here needs them to be read.
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, tty: boolean): string {
  const clean = (cell: string) => cell.replace(/[\t\r\n]+/g, " ");
  if (!tty) return [headers, ...rows].map((row) => row.map(clean).join("\t")).join("\n");
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => clean(row[i] ?? "").length)));
  const line = (row: readonly string[]) => row.map((cell, i) => clean(cell).padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** "2030-05-01T11:00:00.000Z" -> "2030-05-01 11:00Z" (short and unambiguous). */
export function shortTime(iso: string | null): string {
  if (iso === null) return "";
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "Z");
}
