import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, submitSignIn, test } from "../support/login.ts";
import { demoPassword } from "@portcullis/local-issuer";
import { demoVm, requestBlade, showConfigured, sshPerRequest, withPolicy } from "../support/vm-access.ts";

/**
 * axe-core on every page and blade of the portal, as the user who sees it: no serious or critical violation of
 * WCAG 2.1 A and AA. vm-dev-build-01 (Contoso-Dev, in dev@contoso.test's Requester scope) is used by no other spec.
 */
const vm = demoVm("vm-dev-build-01");
// Each axe-core run takes a few seconds on a busy machine, and these tests run many.
test.describe.configure({ timeout: 180_000 });

const oneApproval = { approval: { requiredApprovals: 1, approvers: { roleHolders: true }, maxWait: "PT4H", clockStartsAt: "approval" } };

async function expectAccessible(page: Page, what: string): Promise<void> {
  // Let transitions (a blade sliding in, a fading backdrop) finish, so colours are measured as the user sees them.
  await page.waitForTimeout(400);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 5).join(", ")}`);
  expect(serious, `axe-core on ${what}`).toEqual([]);
}

async function settled(table: Locator): Promise<void> {
  await expect(table).toHaveAttribute("aria-busy", "false");
}

test("the sign-in page and the no-access page", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "the sign-in landing page");
  await submitSignIn(page, "reader@contoso.test", demoPassword);
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expectAccessible(page, "the no-access page");
});

test("an admin's inventory: its three tabs and the Enable JIT blade", async ({ login }) => {
  const admin = await login({ user: "admin" });
  for (const tab of ["configured", "recommended", "none"] as const) {
    await admin.goto(`/jit?tab=${tab}`);
    await settled(admin.getByRole("table", { name: /VMs$/ }));
    await expectAccessible(admin, `the ${tab} tab`);
  }

  await admin.goto("/jit?tab=recommended");
  await admin.getByLabel("Filter by name").fill(vm.name);
  await settled(admin.getByRole("table", { name: "Recommended VMs" }));
  await admin.getByRole("checkbox", { name: `Select ${vm.name}` }).check();
  await admin.getByRole("button", { name: /^Enable JIT on 1 VM/ }).click();
  const enable = admin.getByRole("dialog", { name: /^Enable JIT/ });
  await expect(enable.getByRole("region", { name: "Preview" })).toBeVisible();
  await expectAccessible(admin, "the Enable JIT blade");
  await enable.getByRole("button", { name: "Close" }).click();
  await expect(enable).toHaveCount(0);
});

test("an admin's other pages: access control and notification rules", async ({ login }) => {
  const admin = await login({ user: "admin" });

  await admin.goto("/access-control");
  await settled(admin.getByRole("table", { name: "Role assignments" }));
  await expectAccessible(admin, "Access control");
  await admin.getByRole("button", { name: "Add role assignment" }).click();
  await expect(admin.getByRole("dialog", { name: "Add role assignment" })).toBeVisible();
  await expectAccessible(admin, "the Add role assignment dialog");
  await admin.keyboard.press("Escape");

  await admin.goto("/notifications");
  await expect(admin.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessible(admin, "the notifications page");
  await admin.getByRole("button", { name: /^Add / }).first().click();
  await expect(admin.getByRole("dialog")).toBeVisible();
  await expectAccessible(admin, "the blade adding a notification rule");
  await admin.keyboard.press("Escape");

});

test("a VM's blades, a request and its approval: Edit, Properties, Request access, My access, Pending approvals, the decision, the activity log", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await withPolicy(
    admin,
    vm,
    [sshPerRequest],
    async () => {
      await showConfigured(admin, vm);
      await admin.getByRole("button", { name: `Actions for ${vm.name}` }).click();
      await expectAccessible(admin, "a Configured VM's row menu");
      await admin.getByRole("menuitem", { name: "Edit" }).click();
      const edit = admin.getByRole("dialog", { name: /^Edit JIT/ });
      await expect(edit.getByRole("group", { name: "Rule 1" })).toBeVisible();
      await expectAccessible(admin, "the Edit blade");
      await edit.getByRole("button", { name: "Close" }).click();
      await expect(edit).toHaveCount(0);
      await admin.getByRole("button", { name: `Actions for ${vm.name}` }).click();
      await admin.getByRole("menuitem", { name: "Properties" }).click();
      const properties = admin.getByRole("dialog", { name: `Properties of ${vm.name}` });
      await expect(properties.getByRole("table", { name: "Network interfaces" })).toBeVisible();
      await expectAccessible(admin, "the Properties blade");

      const dev = await login({ user: "dev" });
      await showConfigured(dev, vm);
      await dev.getByRole("checkbox", { name: `Select ${vm.name}` }).check();
      await dev.getByRole("button", { name: "Request access" }).click();
      const blade = requestBlade(dev, vm);
      await blade.getByRole("switch", { name: "22 (SSH) TCP" }).check();
      await expectAccessible(dev, "the Request access blade");
      await blade.getByLabel("Justification").fill("Checking the build agent for INC-7001");
      await blade.getByRole("button", { name: "Request approval" }).click();
      await expect(blade.getByText("Request sent for approval")).toBeVisible();
      await expectAccessible(dev, "the Request access blade's result");
      await blade.getByRole("link", { name: "Go to My access" }).click();
      await settled(dev.getByRole("table", { name: "Active access" }));
      await expect(dev.getByRole("table", { name: "Requests waiting for approval" })).toBeVisible();
      await expectAccessible(dev, "My access");

      const approver = await login({ user: "approver" });
      await approver.goto("/approvals");
      const waiting = approver.getByRole("table", { name: "Requests waiting for your decision" });
      const row = waiting.getByRole("row", { name: new RegExp(vm.name) });
      await expect(row).toBeVisible();
      await expectAccessible(approver, "Pending approvals");
      await row.getByRole("button", { name: "Decide" }).click();
      await expect(approver.getByRole("dialog", { name: `Request for ${vm.name}` })).toBeVisible();
      await expectAccessible(approver, "the decision blade");

      const auditor = await login({ user: "auditor" });
      await auditor.goto("/activity");
      const events = auditor.getByRole("table", { name: "Activity events" });
      await settled(events);
      await expectAccessible(auditor, "the activity log");
      await events.getByRole("row", { name: /JIT enabled/ }).first().getByRole("button", { name: /^Details of / }).click();
      await expect(auditor.getByRole("dialog", { name: "JIT enabled" })).toBeVisible();
      await expectAccessible(auditor, "an event's blade with a policy change");

      // The request is withdrawn before JIT is removed.
      await dev.getByRole("button", { name: `Cancel request for ${vm.name}` }).click();
      const cancel = dev.getByRole("dialog", { name: /^Cancel your request/ });
      await expectAccessible(dev, "the cancel dialog");
      await cancel.getByRole("button", { name: "Cancel request" }).click();
      await expect(dev.getByRole("table", { name: "Requests waiting for approval" })).toHaveCount(0);
    },
    oneApproval,
  );
});
