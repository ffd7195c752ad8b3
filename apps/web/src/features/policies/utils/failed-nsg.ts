import { nameFromArmId } from "@portcullis/contract";
import { ApiError } from "../../../lib/api-error.ts";

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
  if (direct) return nameFromArmId(direct);
  const nested = record.nsg;
  if (typeof nested === "object" && nested !== null) {
    const inner = nested as Record<string, unknown>;
    const name = stringField(inner, "name") ?? stringField(inner, "id");
    if (name) return nameFromArmId(name);
  }
  return undefined;
}
