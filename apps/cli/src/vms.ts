import { ListVmsResponseSchema, type InventoryTab, type VmRow } from "@portcullis/contract";
import type { ApiClient } from "./api.ts";
import { CliError, ExitCode } from "./errors.ts";

const armVmId = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachines\/[^/]+$/i;

/** Every VM of a tab matching `filter` (all pages). */
export async function listVms(api: ApiClient, tab: InventoryTab, filter?: string): Promise<VmRow[]> {
  const rows: VmRow[] = [];
  for (let page = 1; ; page++) {
    const query = new URLSearchParams({ tab, page: String(page), pageSize: "500", ...(filter === undefined ? {} : { q: filter }) });
    const body = await api.get(`/api/inventory/vms?${query}`, ListVmsResponseSchema);
    rows.push(...body.items);
    if (rows.length >= body.total || body.items.length === 0) return rows;
  }
}

export interface VmRef {
  id: string;
  name: string;
}

/**
 * A VM named by its name or its ARM id. Names are looked up among the VMs the caller may see with a JIT policy
 * (`tabs`); an unknown name or one several VMs share is a one-line error listing what to use instead.
 */
export async function resolveVm(api: ApiClient, nameOrId: string, tabs: readonly InventoryTab[] = ["configured"]): Promise<VmRef> {
  const text = nameOrId.trim();
  if (armVmId.test(text)) return { id: text, name: text.split("/").pop() ?? text };
  const matches: VmRow[] = [];
  for (const tab of tabs) matches.push(...(await listVms(api, tab, text)).filter((vm) => vm.name.toLowerCase() === text.toLowerCase()));
  if (matches.length === 1 && matches[0] !== undefined) return { id: matches[0].id, name: matches[0].name };
  if (matches.length > 1) {
    const ids = matches.map((vm) => `${vm.id} (${vm.subscriptionName})`).join(", ");
    throw new CliError(`"${text}" names ${matches.length} VMs: give one of their ids instead: ${ids}`, ExitCode.notFound);
  }
  if (tabs.length === 1 && tabs[0] === "configured") {
    const elsewhere = [...(await listVms(api, "recommended", text)), ...(await listVms(api, "none", text))].find((vm) => vm.name.toLowerCase() === text.toLowerCase());
    if (elsewhere !== undefined) throw new CliError(`${elsewhere.name} has no JIT policy, so access cannot be requested: ask an admin to enable JIT on it`, ExitCode.notFound);
  }
  throw new CliError(`No VM named "${text}" that you may see: check the name with \`portcullis vms --tab configured\``, ExitCode.notFound);
}
