import type { Policy, PolicyPort } from "@portcullis/contract";
import { describeMinutes } from "@portcullis/core";
import { isoToMinutes } from "./iso-duration.ts";

/** How one VM's stored policy differs from the one the Edit blade shows, in the blade's words. */
export type PolicyDifference = { vmName: string; differences: string[] };

const portName = (port: Pick<PolicyPort, "port" | "protocol">): string => `port ${port.port}${port.protocol === "TCP" ? "" : ` (${port.protocol})`}`;
const portKey = (port: Pick<PolicyPort, "port" | "protocol">): string => `${port.port}/${port.protocol}`;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function duration(iso: string): string {
  const minutes = isoToMinutes(iso);
  return minutes === null ? iso : describeMinutes(minutes);
}

/** What differs between two VMs' rules for the same port, named as the blade's fields are. */
function portDifferences(shown: PolicyPort, other: PolicyPort): string[] {
  const name = portName(shown);
  const found: string[] = [];
  if (shown.maxRequestDuration !== other.maxRequestDuration) found.push(`${name}: max request time ${duration(other.maxRequestDuration)}, not ${duration(shown.maxRequestDuration)}`);
  if (!same(shown.allowedSources, other.allowedSources)) found.push(`${name}: allowed sources`);
  if ((shown.requireApproval ?? true) !== (other.requireApproval ?? true)) found.push(`${name}: needs approval`);
  return found;
}

/**
 * The fields on which each other VM's stored policy differs from `shown` (the first VM's, which the blade shows):
 * ports it lacks or adds, each port's max request time, sources and approval, then the policy-wide sections. Empty
 * when every VM holds the same rules. Saving the blade gives every VM what it shows, so these are what Save changes
 * beyond the admin's edits.
 */
export function policyDifferences(shown: Policy, others: readonly Policy[]): PolicyDifference[] {
  const shownPorts = new Map(shown.ports.map((port) => [portKey(port), port]));
  return others
    .map((other) => {
      const otherPorts = new Map(other.ports.map((port) => [portKey(port), port]));
      const differences = [
        ...shown.ports.filter((port) => !otherPorts.has(portKey(port))).map((port) => `${portName(port)}: not in its rules`),
        ...other.ports.filter((port) => !shownPorts.has(portKey(port))).map((port) => `${portName(port)}: only in its rules`),
        ...shown.ports.flatMap((port) => {
          const theirs = otherPorts.get(portKey(port));
          return theirs === undefined ? [] : portDifferences(port, theirs);
        }),
        ...(same(shown.approval, other.approval) ? [] : [other.approval ? "its own approval rule" : "no approval"]),
        ...((shown.justificationRequired ?? false) === (other.justificationRequired ?? false) && same(shown.justificationRule, other.justificationRule) ? [] : ["its own justification rule"]),
        ...((shown.breakGlass ?? false) === (other.breakGlass ?? false) ? [] : [other.breakGlass === true ? "break-glass allowed" : "break-glass not allowed"]),
        ...((shown.endLiveSessions ?? false) === (other.endLiveSessions ?? false) ? [] : [other.endLiveSessions === true ? "ends live sessions" : "does not end live sessions"]),
      ];
      return { vmName: other.vmName, differences };
    })
    .filter((difference) => difference.differences.length > 0);
}
