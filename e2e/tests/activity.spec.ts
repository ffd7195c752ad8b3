import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { demoExpectations } from "@portcullis/azure-emulator";
import { expect, test } from "../support/login.ts";

/**
 * The activity log as an auditor reads it. Setup: an admin enables JIT on vm-prod-app-03 and vm-prod-dr-02 in one
 * request (two events sharing a correlation id) and removes it again, and adds and removes a role assignment.
 * Each of the two VMs sits behind an NSG of its own on the NIC, in a subnet without an NSG, and no other spec uses
 * them, so removing JIT leaves the estate as the other specs expect it.
 */
const [appVm, drVm] = ["vm-prod-app-03", "vm-prod-dr-02"].map((name) => {
  const vm = demoExpectations.vms.find((candidate) => candidate.name === name);
  if (!vm) throw new Error(`The demo estate has no ${name}`);
  return { ...vm, id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}` };
}) as [DemoVm, DemoVm];
type DemoVm = (typeof demoExpectations.vms)[number] & { id: string };

const adminOid = "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01";
const rdp = { port: 3389, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT1H" };

/** The bearer token the SPA sends with its first call to `path`, to ask the API directly as that user. */
async function tokenFrom(page: Page, goto: string, path: string): Promise<string> {
  const call = page.waitForRequest((request) => request.url().includes(path));
  await page.goto(goto);
  const authorization = await (await call).headerValue("authorization");
  expect(authorization).toMatch(/^Bearer \S+$/);
  return authorization!;
}

/** CSV lines without quoted newlines (none in these events): header and data rows. */
function csvLines(text: string): string[] {
  return text.trimEnd().split("\n");
}

test("an auditor filters by VM and user, opens an event with its request's other events, and downloads exactly those rows", async ({ login }) => {
  const admin = await login({ user: "admin" });
  const headers = { Authorization: await tokenFrom(admin, "/jit?tab=configured", "/api/inventory/vms") };
  const enabled = await admin.request.put("/api/policies", { headers, data: { vmIds: [appVm.id, drVm.id], ports: [rdp] } });
  expect(enabled.status(), await enabled.text()).toBe(200);
  const removed = await admin.request.post("/api/policies/remove", { headers, data: { vmIds: [appVm.id, drVm.id] } });
  expect(removed.status(), await removed.text()).toBe(200);
  const assignment = { principalType: "group", principalId: "grp-activity-e2e", principalName: "Activity e2e", role: "Auditor", scope: "/" };
  const added = await admin.request.post("/api/rbac/assignments", { headers, data: assignment });
  expect(added.status(), await added.text()).toBe(201);
  const deleted = await admin.request.delete(`/api/rbac/assignments/${((await added.json()) as { id: string }).id}`, { headers });
  expect(deleted.status()).toBe(204);

  const auditor = await login({ user: "auditor" });
  await auditor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity log" }).click();
  await expect(auditor.getByRole("heading", { name: "Activity log" })).toBeVisible();
  const table = auditor.getByRole("table", { name: "Activity events" });
  await expect(table).toHaveAttribute("aria-busy", "false");
  await expect(table.getByRole("row", { name: /Role assigned/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Role removed/ })).toBeVisible();

  // Filter by VM, then by user: the address holds the filters.
  await auditor.getByRole("combobox", { name: "VM" }).click();
  await auditor.getByRole("option", { name: appVm.name, exact: true }).click();
  await expect(auditor).toHaveURL(/[?&]vmId=/);
  await auditor.getByRole("combobox", { name: "User" }).click();
  await auditor.getByRole("option", { name: "Alex Admin", exact: true }).click();
  await expect(auditor).toHaveURL(new RegExp(`[?&]userId=${adminOid}`));
  await expect(table).toHaveAttribute("aria-busy", "false");
  const rows = table.getByRole("row").filter({ hasText: appVm.name });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("JIT removed");
  await expect(rows.nth(1)).toContainText("JIT enabled");
  await expect(table.getByRole("row", { name: /Role assigned/ })).toHaveCount(0);

  // The whole event, and the other event of the same request (the same PUT enabled JIT on vm-prod-dr-02).
  await rows.nth(1).getByRole("button", { name: /^Details of JIT enabled at / }).click();
  const blade = auditor.getByRole("dialog", { name: "JIT enabled" });
  const fields = blade.getByLabel("Event fields");
  for (const text of ["policy.enabled", "Success", "Alex Admin", adminOid, appVm.id.toLowerCase(), "3389/TCP", "Per request"]) await expect(fields).toContainText(text);
  await expect(fields).toContainText(/[0-9a-f]{64}/);
  await expect(blade.getByLabel("Details JSON")).toContainText('"maxRequestDuration": "PT1H"');
  const correlated = blade.getByRole("list", { name: "Events of the same request" });
  await expect(correlated.getByRole("button")).toHaveCount(2);
  await expect(correlated).toContainText(appVm.name);
  await correlated.getByRole("button", { name: new RegExp(drVm.name) }).click();
  await expect(fields).toContainText(drVm.id.toLowerCase());
  await blade.getByRole("button", { name: "Close" }).click();
  await expect(blade).toHaveCount(0);

  // The CSV holds exactly the rows of the filter (the API, asked with the same filters, names the same events).
  const downloading = auditor.waitForEvent("download");
  await auditor.getByRole("button", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^activity-\d{8}T\d{6}Z\.csv$/);
  const [header, ...data] = csvLines(await readFile(await download.path(), "utf8"));
  const columns = (header ?? "").split(",");
  expect(columns.slice(0, 5)).toEqual(["time", "seq", "id", "action", "outcome"]);
  const cells = data.map((line) => line.split(","));
  expect(cells.map((c) => c[columns.indexOf("action")])).toEqual(["policy.removed", "policy.enabled"]);
  for (const c of cells) {
    expect(c[columns.indexOf("vm_id")]).toBe(appVm.id.toLowerCase());
    expect(c[columns.indexOf("actor_name")]).toBe("Alex Admin");
  }
  const auditorAuth = await tokenFrom(auditor, `/activity?vmId=${encodeURIComponent(appVm.id)}&userId=${adminOid}`, "/api/activity");
  const listed = await auditor.request.get(`/api/activity?${new URLSearchParams({ vmId: appVm.id, userId: adminOid }).toString()}`, { headers: { Authorization: auditorAuth } });
  const ids = ((await listed.json()) as { items: Array<{ id: string }> }).items.map((e) => e.id);
  expect(cells.map((c) => c[columns.indexOf("id")])).toEqual(ids);

  // Free text instead: words of a VM name find that VM's events.
  await auditor.getByRole("button", { name: "Clear filters" }).click();
  await auditor.getByLabel("Search").fill("vm-prod-dr-02");
  await expect(auditor).toHaveURL(/[?&]q=vm-prod-dr-02/);
  await expect(table).toHaveAttribute("aria-busy", "false");
  await expect(table.getByRole("row").filter({ hasText: drVm.name })).toHaveCount(2);
  await expect(table.getByRole("row").filter({ hasText: appVm.name })).toHaveCount(0);
  await expect(auditor.getByLabel("Search")).toBeFocused();
});

test("a policy edit reads as a before/after table, an inverted time range is the To field's error, and presets stay in the address", async ({ login }) => {
  // vm-dev-build-02 (Contoso-Dev) is used by no other spec.
  const vm = demoExpectations.vms.find((candidate) => candidate.name === "vm-dev-build-02")!;
  const vmId = `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}`;
  const admin = await login({ user: "admin" });
  const headers = { Authorization: await tokenFrom(admin, "/jit?tab=configured", "/api/inventory/vms") };
  expect((await admin.request.put("/api/policies", { headers, data: { vmIds: [vmId], ports: [rdp] } })).status()).toBe(200);
  const ssh = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
  expect((await admin.request.put("/api/policies", { headers, data: { vmIds: [vmId], ports: [{ ...rdp, maxRequestDuration: "PT2H30M" }, ssh] } })).status()).toBe(200);
  expect((await admin.request.post("/api/policies/remove", { headers, data: { vmIds: [vmId] } })).status()).toBe(200);

  const auditor = await login({ user: "auditor" });
  await auditor.goto(`/activity?${new URLSearchParams({ vmId }).toString()}`);
  const table = auditor.getByRole("table", { name: "Activity events" });
  await expect(table).toHaveAttribute("aria-busy", "false");
  await table.getByRole("row", { name: /JIT policy edited/ }).getByRole("button", { name: /^Details of / }).click();
  const blade = auditor.getByRole("dialog", { name: "JIT policy edited" });
  const change = blade.getByRole("table", { name: "Policy change" });
  await expect(change.getByRole("row", { name: /^22 \(SSH\) TCP/ })).toContainText(/Added.*—.*3 h · per request/);
  await expect(change.getByRole("row", { name: /^3389 \(RDP\) TCP/ })).toContainText(/Changed.*1 h · per request.*2 h 30 min · per request/);
  await blade.getByRole("button", { name: "Close" }).click();

  // A custom range that ends before it starts: the To field says so, the page does not fail, nothing is asked.
  await auditor.getByRole("combobox", { name: "Time range" }).click();
  await auditor.getByRole("option", { name: "Custom range" }).click();
  await auditor.getByLabel("From").fill("2026-03-02T10:00");
  await expect(auditor).toHaveURL(/[?&]from=/);
  await auditor.getByLabel("To").fill("2026-03-01T10:00");
  await expect(auditor.getByLabel("To")).toHaveAttribute("aria-invalid", "true");
  await expect(auditor.getByText("Must be after From.")).toBeVisible();
  await expect(auditor.getByText("No events are shown until the time range ends after it starts.")).toBeVisible();
  await expect(auditor.getByRole("alert")).toHaveCount(0);
  await expect(auditor.getByRole("button", { name: "Download CSV" })).toBeDisabled();

  // A preset replaces the custom range and survives a reload.
  await auditor.getByRole("combobox", { name: "Time range" }).click();
  await auditor.getByRole("option", { name: "Last hour" }).click();
  await expect(auditor).toHaveURL(/[?&]range=1h/);
  await expect(auditor).not.toHaveURL(/[?&](from|to)=/);
  await auditor.reload();
  await expect(auditor.getByRole("combobox", { name: "Time range" })).toHaveText("Last hour");
  await expect(table).toHaveAttribute("aria-busy", "false");
  await expect(table.getByRole("row", { name: /JIT policy edited/ })).toBeVisible();
  // No sideways scroll into blank space.
  expect(await auditor.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});
