import { readFile } from "node:fs/promises";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { demoExpectations } from "@portcullis/azure-emulator";
import { expect, test } from "../support/login.ts";

/**
 * Enabling, editing and removing JIT through the blades. vm-dev-sbx-01 (Linux) and vm-dev-sbx-02 (Windows)
 * each sit behind an NSG of their own on the NIC, in a subnet without an NSG: no other VM (or spec) shares
 * an NSG with them, so their NSGs can be compared rule for rule before and after.
 */
const [linuxVm, windowsVm] = ["vm-dev-sbx-01", "vm-dev-sbx-02"].map((name) => {
  const vm = demoExpectations.vms.find((candidate) => candidate.name === name);
  if (!vm) throw new Error(`The demo estate has no ${name}`);
  return { ...vm, id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}` };
}) as [DemoVm, DemoVm];

type DemoVm = (typeof demoExpectations.vms)[number] & { id: string };
type Rule = { name: string; priority: number; access: string; direction: string; jit: boolean; ports: string[]; sources: string[]; destinations: string[] };
type Properties = { nsgs: Array<{ name: string; rules: Rule[] }> };

/** The admin's bearer token, taken from the SPA's own call, to ask the API directly. */
async function openJitPage(page: Page, tab: "recommended" | "configured"): Promise<string> {
  const call = page.waitForRequest((request) => request.url().includes("/api/inventory/vms"));
  await page.goto(`/jit?tab=${tab}`);
  const authorization = await (await call).headerValue("authorization");
  expect(authorization).toMatch(/^Bearer \S+$/);
  return authorization!;
}

async function nsgRules(request: APIRequestContext, authorization: string, vm: DemoVm): Promise<Properties["nsgs"]> {
  const response = await request.get(`/api/vms/properties?${new URLSearchParams({ vmId: vm.id }).toString()}`, { headers: { Authorization: authorization } });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as Properties;
  return body.nsgs.map((nsg) => ({ name: nsg.name, rules: [...nsg.rules].sort((a, b) => a.priority - b.priority) }));
}

async function showTab(page: Page, tab: "Recommended" | "Configured", filter: string) {
  await page.getByRole("tab", { name: new RegExp(`^${tab}`) }).click();
  await page.getByLabel("Filter by name").fill(filter);
  await expect(page.getByRole("table", { name: `${tab} VMs` })).toHaveAttribute("aria-busy", "false");
}

function row(page: Page, vm: DemoVm): Locator {
  return page.getByRole("row", { name: new RegExp(vm.name) });
}

async function rowAction(page: Page, vm: DemoVm, action: string) {
  await page.getByRole("button", { name: `Actions for ${vm.name}` }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

test("an admin enables JIT on two VMs, edits one, removes the other, and its NSG is as it was", async ({ login }) => {
  const admin = await login({ user: "admin" });
  const authorization = await openJitPage(admin, "recommended");
  const before = { linux: await nsgRules(admin.request, authorization, linuxVm), windows: await nsgRules(admin.request, authorization, windowsVm) };
  expect(before.windows.flatMap((nsg) => nsg.rules).some((rule) => rule.jit)).toBe(false);

  // Enable on both with the proposed rules: all four management ports, per request, 3 hours.
  await showTab(admin, "Recommended", "vm-dev-sbx-0");
  await admin.getByRole("checkbox", { name: `Select ${linuxVm.name}` }).check();
  await admin.getByRole("checkbox", { name: `Select ${windowsVm.name}` }).check();
  await admin.getByRole("button", { name: "Enable JIT on 2 VMs" }).click();
  const blade = admin.getByRole("dialog", { name: "Enable JIT on 2 VMs" });
  for (const [index, port] of ["22", "3389", "5985", "5986"].entries()) {
    await expect(blade.getByRole("group", { name: `Rule ${index + 1}` }).getByLabel("Port")).toHaveValue(port);
  }
  const preview = blade.getByRole("region", { name: "Preview" });
  await expect(preview.getByRole("region", { name: "Changes to nsg-vm-dev-sbx-01" })).toContainText("Rules to add");
  await expect(preview.getByRole("region", { name: "Changes to nsg-vm-dev-sbx-02" })).toContainText("Rules to add");
  await blade.getByRole("button", { name: "Save" }).click();
  await expect(blade.getByText("JIT is enabled on 2 VMs")).toBeVisible();
  await blade.getByRole("button", { name: "Done" }).click();
  await expect(blade).toHaveCount(0);

  await showTab(admin, "Configured", "vm-dev-sbx-0");
  await expect(row(admin, linuxVm)).toContainText("22 TCP · 3 h · per request");
  await expect(row(admin, windowsVm)).toContainText("3389 TCP · 3 h · per request");
  await expect(row(admin, windowsVm)).toContainText("5986 TCP · 3 h · per request");

  // The Properties blade shows the NSG as it is now, with the JIT rules marked.
  await rowAction(admin, windowsVm, "Properties");
  const properties = admin.getByRole("dialog", { name: `Properties of ${windowsVm.name}` });
  const windowsRules = properties.getByRole("table", { name: "Security rules of nsg-vm-dev-sbx-02" });
  await expect(windowsRules.getByText("JIT", { exact: true }).first()).toBeVisible();
  await properties.getByRole("button", { name: "Close" }).first().click();
  await expect(properties).toHaveCount(0);

  // Edit one: a shorter maximum for SSH.
  await rowAction(admin, linuxVm, "Edit");
  const edit = admin.getByRole("dialog", { name: "Edit JIT on 1 VM" });
  const ssh = edit.getByRole("group", { name: "Rule 1" });
  await expect(ssh.getByLabel("Port")).toHaveValue("22");
  await ssh.getByRole("combobox", { name: "Max request time" }).click();
  await admin.getByRole("option", { name: "1 h", exact: true }).click();
  await expect(edit.getByRole("region", { name: "Preview" })).not.toContainText("Fix the highlighted fields");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByText("The JIT rules are saved on 1 VM")).toBeVisible();
  await edit.getByRole("button", { name: "Done" }).click();
  await expect(row(admin, linuxVm)).toContainText("22 TCP · 1 h · per request");

  // Remove the other: it goes back to Recommended and its NSG is restored rule for rule.
  await rowAction(admin, windowsVm, "Remove");
  const confirm = admin.getByRole("dialog", { name: `Remove JIT from ${windowsVm.name}?` });
  await expect(confirm).toContainText("Its NSGs are restored");
  await confirm.getByRole("button", { name: "Remove" }).click();
  await expect(confirm).toHaveCount(0);
  await expect(row(admin, windowsVm)).toHaveCount(0);
  await expect(row(admin, linuxVm)).toBeVisible();
  await showTab(admin, "Recommended", "vm-dev-sbx-0");
  await expect(row(admin, windowsVm)).toBeVisible();
  expect(await nsgRules(admin.request, authorization, windowsVm)).toEqual(before.windows);
  expect((await nsgRules(admin.request, authorization, linuxVm)).flatMap((nsg) => nsg.rules).some((rule) => rule.jit)).toBe(true);

  // Leave the estate as the other specs expect it.
  const cleanup = await admin.request.post("/api/policies/remove", { headers: { Authorization: authorization }, data: { vmIds: [linuxVm.id] } });
  expect(cleanup.ok()).toBe(true);
  expect(await nsgRules(admin.request, authorization, linuxVm)).toEqual(before.linux);
});

test("a CIDR with host bits set is refused on its field and cannot be saved", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await openJitPage(admin, "recommended");
  await showTab(admin, "Recommended", linuxVm.name);
  await admin.getByRole("checkbox", { name: `Select ${linuxVm.name}` }).check();
  await admin.getByRole("button", { name: "Enable JIT on 1 VM" }).click();
  const blade = admin.getByRole("dialog", { name: "Enable JIT on 1 VM" });
  const ssh = blade.getByRole("group", { name: "Rule 1" });
  // Defender's single-VM default for Linux: SSH only.
  await expect(blade.getByRole("group", { name: /^Rule / })).toHaveCount(1);
  await expect(ssh.getByLabel("Port")).toHaveValue("22");

  await ssh.getByRole("radio", { name: "IP addresses / CIDR ranges" }).check();
  const address = ssh.getByLabel("IP address or CIDR range 1");
  await address.fill("10.0.0.1/24");
  await expect(address).toHaveAttribute("aria-invalid", "true");
  await expect(ssh.getByText(/host bits set: 10\.0\.0\.1\/24 .*did you mean 10\.0\.0\.0\/24\?/)).toBeVisible();
  await expect(blade.getByRole("button", { name: "Save" })).toBeDisabled();

  await address.fill("10.0.0.0/24");
  await expect(address).toHaveAttribute("aria-invalid", "false");
  await expect(blade.getByRole("button", { name: "Save" })).toBeEnabled();
  // The edited rules are not thrown away without asking.
  await blade.getByRole("button", { name: "Cancel" }).click();
  await admin.getByRole("dialog", { name: "Discard your changes?" }).getByRole("button", { name: "Discard" }).click();
  await expect(blade).toHaveCount(0);
  await showTab(admin, "Configured", linuxVm.name);
  await expect(row(admin, linuxVm)).toHaveCount(0);
});

test("an admin exports a VM's policy in Defender's format and imports it back after removing it", async ({ login }) => {
  const admin = await login({ user: "admin" });
  const authorization = await openJitPage(admin, "configured");
  const before = await nsgRules(admin.request, authorization, linuxVm);
  const enabled = await admin.request.put("/api/policies", {
    headers: { Authorization: authorization },
    data: { vmIds: [linuxVm.id], ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24"] }, maxRequestDuration: "PT2H" }] },
  });
  expect(enabled.ok()).toBe(true);

  await showTab(admin, "Configured", linuxVm.name);
  await expect(row(admin, linuxVm)).toContainText("22 TCP · 2 h · 203.0.113.0/24");
  const download = admin.waitForEvent("download");
  await rowAction(admin, linuxVm, "Export policy");
  const file = await download;
  expect(file.suggestedFilename()).toBe(`jit-policy-${linuxVm.name}.json`);
  const exported = JSON.parse(await readFile((await file.path())!, "utf8")) as { value: Array<{ properties: { virtualMachines: Array<{ id: string; ports: unknown[] }> } }> };
  expect(exported.value[0]?.properties.virtualMachines[0]?.ports).toEqual([
    { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "203.0.113.0/24", maxRequestAccessDuration: "PT2H" },
  ]);

  const removed = await admin.request.post("/api/policies/remove", { headers: { Authorization: authorization }, data: { vmIds: [linuxVm.id] } });
  expect(removed.ok()).toBe(true);
  await admin.reload();
  await showTab(admin, "Configured", linuxVm.name);
  await expect(row(admin, linuxVm)).toHaveCount(0);

  await admin.getByRole("button", { name: "Import" }).click();
  const dialog = admin.getByRole("dialog", { name: "Import JIT policies" });
  await dialog.getByLabel("Policy file").setInputFiles((await file.path())!);
  await expect(dialog.getByLabel("Defender policy JSON")).toHaveValue(/203\.0\.113\.0\/24/);
  await dialog.getByRole("button", { name: "Dry run" }).click();
  await expect(dialog.getByText("Dry run: nothing has been written yet.")).toBeVisible();
  await expect(dialog.getByRole("region", { name: "Policies in the file" })).toContainText(`${linuxVm.name}: 22 TCP · 2 h · 203.0.113.0/24`);
  await expect(dialog.getByRole("region", { name: "Changes to nsg-vm-dev-sbx-01" })).toContainText("Rules to add");
  expect(await nsgRules(admin.request, authorization, linuxVm)).toEqual(before);
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(dialog.getByText("Imported 1 policy.")).toBeVisible();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(row(admin, linuxVm)).toContainText("22 TCP · 2 h · 203.0.113.0/24");

  const cleanup = await admin.request.post("/api/policies/remove", { headers: { Authorization: authorization }, data: { vmIds: [linuxVm.id] } });
  expect(cleanup.ok()).toBe(true);
  expect(await nsgRules(admin.request, authorization, linuxVm)).toEqual(before);
});
