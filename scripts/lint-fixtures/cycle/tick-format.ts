import { tick } from "./clock.ts";

/** The other half of the deliberate cycle. */
export function formatTick(at: number): string {
  return at > 0 ? `tick ${at}` : tick(at + 1);
}
