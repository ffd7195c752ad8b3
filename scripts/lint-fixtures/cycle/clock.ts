import { formatTick } from "./tick-format.ts";

/** Half of a deliberate cycle: scripts/lint-boundaries.test.ts shows that ESLint refuses it. */
export function tick(at: number): string {
  return formatTick(at);
}
