import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { GrantRecord } from "./grant-record.ts";

/** Work done in the same transaction as a state change (its audit events), given the rows it changed. */
export type InTransaction = (trx: Kysely<DatabaseSchema>, changed: GrantRecord[]) => Promise<void>;

/** A lease: which process works on a row, from when, until when. */
export interface Lease {
  claimedBy: string;
  now: Date;
  until: Date;
}
