import { expect, test } from "@playwright/test";
import { demoExpectations } from "@portcullis/azure-emulator";

const { tabs } = demoExpectations;
const openVm = demoExpectations.vms.find((vm) => vm.tab === "Recommended" && vm.openToInternet.length > 0);
const scaleSetVm = demoExpectations.vms.find((vm) => vm.tab === "No recommendation" && vm.reason === "scale-set-instance");
const noNsgVm = demoExpectations.vms.find((vm) => vm.tab === "No recommendation" && vm.reason === "no-nsg");

test("the JIT page shows the demo estate sorted into the three tabs with their counts", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/jit/);
  await expect(page.getByRole("heading", { name: "Just-in-time VM access" })).toBeVisible();
  await expect(page.getByRole("tab", { name: new RegExp(`^Configured.*${tabs.configured}`) })).toBeVisible();
  await expect(page.getByRole("tab", { name: new RegExp(`^Recommended.*${tabs.recommended}`) })).toBeVisible();
  await expect(page.getByRole("tab", { name: new RegExp(`^No recommendation.*${tabs.noRecommendation}`) })).toBeVisible();
  await expect(page.getByText("No VM has a just-in-time policy yet.")).toBeVisible();
});

test("a Recommended VM open to the Internet shows which port is open and through which rule", async ({ page }) => {
  expect(openVm).toBeDefined();
  const vm = openVm!;
  await page.goto("/jit?tab=recommended");
  await page.getByLabel("Filter by name").fill(vm.name);
  const row = page.getByRole("row", { name: new RegExp(vm.name) });
  await expect(row).toHaveCount(1);
  const first = vm.openToInternet[0]!;
  await expect(row).toContainText(`${first.port} open`);
  await expect(row).toContainText(/open to the Internet by rule/);
  await expect(row).toContainText(vm.resourceGroup);
});

test("No recommendation lists scale-set instances and VMs without an NSG, each with its reason", async ({ page }) => {
  await page.goto("/jit?tab=none");
  await expect(page.getByRole("row", { name: new RegExp(scaleSetVm!.name) })).toContainText(/scale set/i);
  await expect(page.getByRole("row", { name: new RegExp(noNsgVm!.name) })).toContainText(/No network security group/i);
});

test("filtering by subscription and sorting by name change the rows shown", async ({ page }) => {
  await page.goto("/jit?tab=recommended");
  const rows = page.getByRole("row").filter({ has: page.getByRole("checkbox") });
  await expect(rows.first()).toBeVisible();
  await page.getByLabel("Subscription").click();
  await page.getByRole("option", { name: "Contoso-Prod" }).click();
  await expect(page.getByRole("row", { name: /vm-dev-/ })).toHaveCount(0);
  await expect(page.getByRole("row", { name: /vm-prod-/ }).first()).toBeVisible();
  const firstBefore = await page.getByRole("row", { name: /vm-prod-/ }).first().textContent();
  await page.getByRole("button", { name: "Name" }).click();
  await expect(page.getByRole("row", { name: /vm-prod-/ }).first()).not.toHaveText(firstBefore ?? "");
});

test("an unknown tab in the URL falls back to Configured, and the API refuses it with the allowed values", async ({ page, request }) => {
  await page.goto("/jit?tab=bogus");
  await expect(page.getByRole("tab", { name: /^Configured/ })).toHaveAttribute("aria-selected", "true");
  const response = await request.get("/api/inventory/vms?tab=bogus");
  expect(response.status()).toBe(400);
  const body = await response.json();
  expect(body.error.message).toContain("configured, recommended, none");
});
