import { ApiError } from "../../../lib/api-error.ts";

function lastSegment(id: string): string {
  return id.split("/").filter((part) => part !== "").at(-1) ?? id;
}

function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The NSG a failed write names in the error's details (`nsgName`, `nsgId`, or `nsg: { name | id }`),
 * so the blade can say where it stopped; undefined when the server did not say.
 */
export function failedNsgName(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const details = error.details;
  if (typeof details !== "object" || details === null || Array.isArray(details)) return undefined;
  const record = details as Record<string, unknown>;
  const direct = stringField(record, "nsgName") ?? stringField(record, "nsgId");
  if (direct) return lastSegment(direct);
  const nested = record.nsg;
  if (typeof nested === "object" && nested !== null) {
    const inner = nested as Record<string, unknown>;
    const name = stringField(inner, "name") ?? stringField(inner, "id");
    if (name) return lastSegment(name);
  }
  return undefined;
}
