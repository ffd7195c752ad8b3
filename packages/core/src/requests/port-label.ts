import type { JitPortRule } from "../planner/types.ts";

/**
 * How a message names a port: `port 22`, or `port 53/UDP` when the request
 * also covers the same number for another protocol (so the name is unique).
 */
export function portLabel(rule: JitPortRule, requested: readonly JitPortRule[]): string {
  const twin = requested.some((other) => other !== rule && other.port === rule.port);
  return twin ? `port ${rule.port}/${rule.protocol}` : `port ${rule.port}`;
}
