import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { demoExpectations } from "@portcullis/azure-emulator";
import { expect } from "./login.ts";

/** Helpers shared by the specs that enable JIT on one demo VM, request access to it and read its NSG rules. */

export type Rule = { name: string; priority: number; access: string; direction: string; jit: boolean; ports: string[]; sources: string[] };
type Properties = { nsgs: Array<{ name: string; rules: Rule[] }> };
export type PolicyPortBody = { port: number; protocol: "TCP"; allowedSources: { kind: "per-request" } | { kind: "prefixes"; prefixes: string[] }; maxRequestDuration: string };
export interface DemoVm {
  id: string;
  name: string;
}

export const sshPerRequest: PolicyPortBody = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };

/** A VM of the demo estate, with its ARM id. */
export function demoVm(name: string): DemoVm {
  const found = demoExpectations.vms.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`The demo estate has no ${name}`);
  return { ...found, id: `/subscriptions/${found.subscriptionId}/resourceGroups/${found.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${found.name}` };
}

/** The admin's bearer token, taken from the SPA's own call, to ask the API directly. */
export async function adminToken(page: Page): Promise<string> {
  const call = page.waitForRequest((request) => request.url().includes("/api/inventory/vms"));
  await page.goto("/jit?tab=configured");
  const authorization = await (await call).headerValue("authorization");
  expect(authorization).toMatch(/^Bearer \S+$/);
  return authorization!;
}

/** The page's user's bearer token, taken from the SPA's next call to the API. */
export async function bearerOf(page: Page): Promise<string> {
  const call = page.waitForRequest((request) => request.url().includes("/api/") && request.headers()["authorization"] !== undefined);
  await page.reload();
  return (await (await call).headerValue("authorization")) ?? "";
}

export async function nsgRules(request: APIRequestContext, authorization: string, vm: DemoVm): Promise<Properties["nsgs"]> {
  const response = await request.get(`/api/vms/properties?${new URLSearchParams({ vmId: vm.id }).toString()}`, { headers: { Authorization: authorization } });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as Properties;
  return body.nsgs.map((nsg) => ({ name: nsg.name, rules: [...nsg.rules].sort((a, b) => a.priority - b.priority) }));
}

/** A single address however the NSG spells it (`203.0.113.7` or `203.0.113.7/32`). */
export function withoutHostLength(source: string): string {
  return source.replace(/\/(32|128)$/, "");
}

export function jitAllowRules(nsgs: Properties["nsgs"]): Rule[] {
  return nsgs.flatMap((nsg) => nsg.rules).filter((rule) => rule.jit && rule.access === "Allow");
}

/**
 * Enables JIT on the VM with `ports` (and any other policy fields in `extra`), runs `body`, and removes JIT again
 * even when `body` fails; the VM's NSGs must then be as they were.
 */
export async function withPolicy(admin: Page, vm: DemoVm, ports: PolicyPortBody[], body: (authorization: string) => Promise<void>, extra: object = {}): Promise<void> {
  const authorization = await adminToken(admin);
  const before = await nsgRules(admin.request, authorization, vm);
  const enabled = await admin.request.put("/api/policies", { headers: { Authorization: authorization }, data: { vmIds: [vm.id], ports, ...extra } });
  expect(enabled.ok(), await enabled.text()).toBe(true);
  try {
    await body(authorization);
  } finally {
    const removed = await admin.request.post("/api/policies/remove", { headers: { Authorization: authorization }, data: { vmIds: [vm.id] } });
    expect(removed.ok()).toBe(true);
  }
  expect(await nsgRules(admin.request, authorization, vm)).toEqual(before);
}

export async function showConfigured(page: Page, vm: DemoVm) {
  await page.goto("/jit?tab=configured");
  await page.getByLabel("Filter by name").fill(vm.name);
  await expect(page.getByRole("table", { name: "Configured VMs" })).toHaveAttribute("aria-busy", "false");
  await expect(page.getByRole("row", { name: new RegExp(vm.name) })).toBeVisible();
}

export function requestBlade(page: Page, vm: DemoVm): Locator {
  return page.getByRole("dialog", { name: `Request access to ${vm.name}` });
}
