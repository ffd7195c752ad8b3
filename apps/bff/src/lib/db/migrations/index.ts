import type { Migration } from "kysely/migration";
import { initial } from "./0001-initial.ts";

/** Every migration, in order. Names sort lexically; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  "0001-initial": initial,
};
