import type { GrantFormat } from "./grant-format.ts";

/** Half of a deliberate cycle made only of type imports: scripts/import-cycles.test.ts shows the scan finds it. */
export interface GrantView {
  id: string;
  format: GrantFormat;
}
