import type { Exposure } from "@portcullis/contract";
import { describePort } from "./management-ports.ts";

/** The human-readable reasons shown beside each VM on the JIT page. */
export const reasons = {
  configured: "JIT policy configured",
  classic: "Classic virtual machine: JIT needs an Azure Resource Manager VM",
  noNetworkInterface: "No network interface found for this virtual machine",
  noNsg: "No network security group on its network interface or subnet",
  notExposed: "Has a network security group and no JIT policy; no management port is open to the Internet today",
} as const;

/** Names the NICs only when the VM has several, so the reader knows which one is bare. */
export function noNsgReason(unprotectedNicNames: readonly string[], nicCount: number): string {
  if (nicCount <= 1 || unprotectedNicNames.length === 0) return reasons.noNsg;
  if (unprotectedNicNames.length === 1) return `No network security group on network interface ${unprotectedNicNames[0]} or its subnet`;
  return `No network security group on network interfaces ${unprotectedNicNames.join(", ")} or their subnets`;
}

/** e.g. "22 (SSH) open to the Internet by rule allow-ssh-any (priority 300) in nsg-web". */
export function exposureReason(exposure: readonly Exposure[]): string {
  if (exposure.length === 0) return reasons.notExposed;
  return exposure
    .map((entry) => `${describePort(entry.port)} open to the Internet by rule ${entry.ruleName} (priority ${entry.priority}) in ${entry.nsgName}`)
    .join("; ");
}
