import { demoExpectations } from "@portcullis/azure-emulator";
import { expect, test } from "../support/login.ts";

const { tabs } = demoExpectations;
const openVm = demoExpectations.vms.find((vm) => vm.tab === "Recommended" && vm.openToInternet.length > 0);
const scaleSetVm = demoExpectations.vms.find((vm) => vm.tab === "Recommended" && vm.name.startsWith("vmss-"));
const noNsgVm = demoExpectations.vms.find((vm) => vm.tab === "No recommendation" && vm.reason === "no-nsg");

// Signed in as the admin, who reads the whole estate, so every count of the demo estate applies.

test("the JIT page shows the demo estate sorted into the three tabs with their counts", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await admin.goto("/");
  await expect(admin).toHaveURL(/\/jit/);
  await expect(admin.getByRole("heading", { name: "Just-in-time VM access" })).toBeVisible();
  await expect(admin.getByRole("tab", { name: new RegExp(`^Configured.*${tabs.configured}`) })).toBeVisible();
  await expect(admin.getByRole("tab", { name: new RegExp(`^Recommended.*${tabs.recommended}`) })).toBeVisible();
  await expect(admin.getByRole("tab", { name: new RegExp(`^No recommendation.*${tabs.noRecommendation}`) })).toBeVisible();
  await expect(admin.getByText("No VM has a just-in-time policy yet.")).toBeVisible();
});

test("a Recommended VM open to the Internet shows which port is open and through which rule", async ({ login }) => {
  const admin = await login({ user: "admin" });
  expect(openVm).toBeDefined();
  const vm = openVm!;
  await admin.goto("/jit?tab=recommended");
  await admin.getByLabel("Filter by name").fill(vm.name);
  const row = admin.getByRole("row", { name: new RegExp(vm.name) });
  await expect(row).toHaveCount(1);
  const first = vm.openToInternet[0]!;
  await expect(row).toContainText(`${first.port} open`);
  await expect(row).toContainText(/open to the Internet by rule/);
  await expect(row).toContainText(vm.resourceGroup);
});

test("Recommended lists flexible scale-set instances as VMs; No recommendation lists VMs without an NSG with the reason", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await admin.goto("/jit?tab=recommended");
  await admin.getByLabel("Filter by name").fill(scaleSetVm!.name);
  await expect(admin.getByRole("row", { name: new RegExp(scaleSetVm!.name) })).toContainText(/scale set instance/i);
  await admin.goto("/jit?tab=none");
  await expect(admin.getByRole("row", { name: new RegExp(noNsgVm!.name) })).toContainText(/No network security group/i);
});

test("filtering by subscription and sorting by name change the rows shown", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await admin.goto("/jit?tab=recommended");
  const rows = admin.getByRole("row").filter({ has: admin.getByRole("checkbox") });
  await expect(rows.first()).toBeVisible();
  await admin.getByLabel("Subscription").click();
  await admin.getByRole("option", { name: "Contoso-Prod" }).click();
  await expect(admin.getByRole("row", { name: /vm-dev-/ })).toHaveCount(0);
  await expect(admin.getByRole("row", { name: /vm-prod-/ }).first()).toBeVisible();
  const firstBefore = await admin.getByRole("row", { name: /vm-prod-/ }).first().textContent();
  await admin.getByRole("button", { name: "Name" }).click();
  await expect(admin.getByRole("row", { name: /vm-prod-/ }).first()).not.toHaveText(firstBefore ?? "");
});

test("an unknown tab in the URL falls back to Configured, and the API refuses it with the allowed values", async ({ login }) => {
  const admin = await login({ user: "admin" });
  // The SPA's own call carries the admin's bearer token; the same token asks the API directly.
  const listCall = admin.waitForRequest((request) => request.url().includes("/api/inventory/vms"));
  await admin.goto("/jit?tab=bogus");
  await expect(admin.getByRole("tab", { name: /^Configured/ })).toHaveAttribute("aria-selected", "true");
  const authorization = await (await listCall).headerValue("authorization");
  expect(authorization).toMatch(/^Bearer \S+$/);

  const response = await admin.request.get("/api/inventory/vms?tab=bogus", { headers: { Authorization: authorization! } });
  expect(response.status()).toBe(400);
  const body = await response.json();
  expect(body.error.message).toContain("configured, recommended, none");

  const anonymous = await admin.request.get("/api/inventory/vms?tab=configured");
  expect(anonymous.status()).toBe(401);
});
