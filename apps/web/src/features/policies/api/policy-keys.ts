import type { PutPoliciesBody } from "@portcullis/contract";

/**
 * Every policies query key starts with `policyKeys.all`, so one invalidation after a change reaches the
 * list, each VM's policy, previews (planned against the NSGs as they were) and the Properties blade.
 * VM ids are compared lower-case, as ARM does.
 */
export const policyKeys = {
  all: ["policies"] as const,
  list: () => [...policyKeys.all, "list"] as const,
  vm: (vmId: string) => [...policyKeys.all, "vm", vmId.toLowerCase()] as const,
  previews: () => [...policyKeys.all, "preview"] as const,
  preview: (body: PutPoliciesBody) => [...policyKeys.previews(), body] as const,
  properties: (vmId: string) => [...policyKeys.all, "properties", vmId.toLowerCase()] as const,
};
