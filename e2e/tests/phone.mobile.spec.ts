import type { Page } from "@playwright/test";
import { expect, signedInUser, test } from "../support/login.ts";
import { expectNoSidewaysScroll, fill, navigateTo, tap } from "../support/mobile.ts";
import { demoVm, jitAllowRules, nsgRules, requestBlade, sshPerRequest, withPolicy, type DemoVm } from "../support/vm-access.ts";

/**
 * The on-call engineer on a phone (390 x 844, touch): every control used must be on the screen when tapped.
 * vm-dev-web-01 and vm-dev-db-01 (Contoso-Dev, in dev@contoso.test's Requester scope) are used by no other spec.
 */
const direct = demoVm("vm-dev-web-01");
const approved = demoVm("vm-dev-db-01");
const oneApproval = { approval: { requiredApprovals: 1, approvers: { roleHolders: true }, maxWait: "PT4H", clockStartsAt: "approval" } };

async function findConfigured(page: Page, vm: DemoVm): Promise<void> {
  await navigateTo(page, "Just-in-time VM access");
  await tap(page.getByRole("tab", { name: /^Configured/ }));
  await fill(page.getByLabel("Filter by name"), vm.name);
  await expect(page.getByRole("table", { name: "Configured VMs" })).toHaveAttribute("aria-busy", "false");
  await expect(page.getByRole("row", { name: new RegExp(vm.name) })).toBeVisible();
  await expectNoSidewaysScroll(page);
}

async function fillRequest(page: Page, vm: DemoVm, justification: string): Promise<void> {
  const blade = requestBlade(page, vm);
  await tap(blade.getByRole("switch", { name: "22 (SSH) TCP" }));
  await expect(blade.getByRole("switch", { name: "22 (SSH) TCP" })).toBeChecked();
  await tap(blade.getByRole("combobox", { name: "Time range" }));
  await tap(page.getByRole("option", { name: "1 h", exact: true }));
  await fill(blade.getByLabel("Justification"), justification);
}

test("on a phone, a requester opens SSH from the VM's row menu and revokes it on My access", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await withPolicy(admin, direct, [sshPerRequest], async (authorization) => {
    const dev = await login({ user: "dev" });
    // The top bar fits: the user and Sign out are on the screen, the navigation is folded away.
    await expect(signedInUser(dev)).toBeInViewport({ ratio: 1 });
    await expect(dev.getByRole("button", { name: "Sign out" })).toBeInViewport({ ratio: 1 });
    await expect(dev.getByRole("navigation", { name: "Main" })).toBeHidden();

    await findConfigured(dev, direct);
    // The row's menu item is tapped, not caught by the menu's backdrop.
    await tap(dev.getByRole("button", { name: `Actions for ${direct.name}` }));
    await tap(dev.getByRole("menuitem", { name: "Request access" }));
    const blade = requestBlade(dev, direct);
    await expect(blade).toBeVisible();
    // The blade covers the whole screen.
    expect((await blade.boundingBox())?.width).toBeCloseTo(390, 0);
    await fillRequest(dev, direct, "Paged for INC-6001");
    await tap(blade.getByRole("button", { name: "Open ports" }));
    await expect(blade.getByText(/^Open until /)).toBeVisible();
    // Every NSG in front of the VM admits port 22.
    const opened = jitAllowRules(await nsgRules(admin.request, authorization, direct));
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.flatMap((rule) => rule.ports)).toEqual(opened.map(() => "22"));
    await tap(blade.getByRole("button", { name: "Done" }));
    await expect(blade).toHaveCount(0);

    await navigateTo(dev, "My access");
    const row = dev.getByRole("table", { name: "Active access" }).getByRole("row", { name: new RegExp(direct.name) });
    await expect(row).toContainText("22 (SSH) TCP");
    await expectNoSidewaysScroll(dev);
    await tap(row.getByRole("button", { name: `Revoke access to ${direct.name}` }));
    const confirm = dev.getByRole("dialog", { name: `Revoke access to ${direct.name}?` });
    await tap(confirm.getByRole("button", { name: "Revoke" }));
    await expect(confirm).toHaveCount(0);
    await expect(dev.getByRole("table", { name: "Active access" })).toContainText("No ports are open for you.");
    expect(jitAllowRules(await nsgRules(admin.request, authorization, direct))).toEqual([]);

    await tap(dev.getByRole("button", { name: "Sign out" }));
    await expect(dev.getByRole("heading", { name: "Sign out" })).toBeVisible();
  });
});

test("on phones, a requester asks for access and an approver approves it", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await withPolicy(
    admin,
    approved,
    [sshPerRequest],
    async (authorization) => {
      const dev = await login({ user: "dev" });
      await findConfigured(dev, approved);
      await tap(dev.getByRole("checkbox", { name: `Select ${approved.name}` }));
      await tap(dev.getByRole("button", { name: "Request access" }));
      const blade = requestBlade(dev, approved);
      await fillRequest(dev, approved, "Restoring the backup for INC-6002");
      await tap(blade.getByRole("button", { name: "Request approval" }));
      await expect(blade.getByText("Request sent for approval")).toBeVisible();
      await tap(blade.getByRole("button", { name: "Done" }));

      const approver = await login({ user: "approver" });
      await navigateTo(approver, "Pending approvals");
      const waiting = approver.getByRole("table", { name: "Requests waiting for your decision" });
      const row = waiting.getByRole("row", { name: new RegExp(approved.name) });
      await expect(row).toContainText("Restoring the backup for INC-6002");
      await expectNoSidewaysScroll(approver);
      await tap(row.getByRole("button", { name: "Decide" }));
      const decision = approver.getByRole("dialog", { name: `Request for ${approved.name}` });
      expect((await decision.boundingBox())?.width).toBeCloseTo(390, 0);
      await fill(decision.getByLabel("Comment"), "Go ahead");
      await tap(decision.getByRole("button", { name: "Approve" }));
      await expect(approver.getByText(new RegExp(`^Approved: port 22 on ${approved.name} is open until`))).toBeVisible();
      expect(jitAllowRules(await nsgRules(admin.request, authorization, approved)).length).toBeGreaterThan(0);

      await navigateTo(dev, "My access");
      const active = dev.getByRole("table", { name: "Active access" }).getByRole("row", { name: new RegExp(approved.name) });
      await expect(active).toContainText("22 (SSH) TCP", { timeout: 30_000 });
      await tap(active.getByRole("button", { name: `Revoke access to ${approved.name}` }));
      await tap(dev.getByRole("dialog", { name: `Revoke access to ${approved.name}?` }).getByRole("button", { name: "Revoke" }));
      await expect(dev.getByRole("table", { name: "Active access" })).toContainText("No ports are open for you.");
      expect(jitAllowRules(await nsgRules(admin.request, authorization, approved))).toEqual([]);
    },
    oneApproval,
  );
});
