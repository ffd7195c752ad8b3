import { expect, test } from "../support/login.ts";
import { demoVm, requestBlade, showConfigured, sshPerRequest, withPolicy } from "../support/vm-access.ts";

/**
 * What the address keeps: the name filter, an open Request access blade, an open Edit blade and an open decision, so
 * that a reload (or a link from a colleague or a notification) shows them again; and a half-filled blade that asks
 * before its edits are thrown away. vm-prod-web-02 (Contoso-Prod, rg-web-prod: in dev@contoso.test's Requester scope)
 * is used by no other spec.
 */
const vm = demoVm("vm-prod-web-02");
const oneApproval = { approval: { requiredApprovals: 1, approvers: { roleHolders: true }, maxWait: "PT4H", clockStartsAt: "approval" } };

test("reload keeps the name filter and the open blades, and a half-filled request asks before it is discarded", async ({ login }) => {
  test.setTimeout(180_000);
  const admin = await login({ user: "admin" });
  await withPolicy(
    admin,
    vm,
    [sshPerRequest],
    async () => {
      const dev = await login({ user: "dev" });
      await showConfigured(dev, vm);
      await expect(dev).toHaveURL(new RegExp(`[?&]q=${vm.name}`));
      await dev.reload();
      await expect(dev.getByLabel("Filter by name")).toHaveValue(vm.name);
      await expect(dev.getByRole("row", { name: new RegExp(vm.name) })).toBeVisible();

      await dev.getByRole("button", { name: `Actions for ${vm.name}` }).click();
      await dev.getByRole("menuitem", { name: "Request access" }).click();
      const blade = requestBlade(dev, vm);
      await expect(blade.getByRole("switch", { name: "22 (SSH) TCP" })).toBeVisible();
      await expect(dev).toHaveURL(/[?&]request=/);
      await dev.reload();
      await expect(blade.getByRole("switch", { name: "22 (SSH) TCP" })).toBeVisible();

      // Half filled: every way out asks first.
      await blade.getByRole("switch", { name: "22 (SSH) TCP" }).check();
      await blade.getByLabel("Justification").fill("Half written");
      const discard = dev.getByRole("dialog", { name: "Discard your changes?" });
      await dev.keyboard.press("Escape");
      await expect(discard).toBeVisible();
      await discard.getByRole("button", { name: "Keep editing" }).click();
      await expect(discard).toHaveCount(0);
      await expect(blade.getByLabel("Justification")).toHaveValue("Half written");
      await blade.getByRole("button", { name: "Cancel" }).click();
      await discard.getByRole("button", { name: "Discard" }).click();
      await expect(blade).toHaveCount(0);
      await expect(dev).not.toHaveURL(/[?&]request=/);
      // An untouched blade closes at once.
      await dev.getByRole("button", { name: `Actions for ${vm.name}` }).click();
      await dev.getByRole("menuitem", { name: "Request access" }).click();
      await blade.getByRole("button", { name: "Cancel" }).click();
      await expect(blade).toHaveCount(0);
      await expect(discard).toHaveCount(0);

      // The admin's Edit blade is in the address too.
      await showConfigured(admin, vm);
      await admin.getByRole("button", { name: `Actions for ${vm.name}` }).click();
      await admin.getByRole("menuitem", { name: "Edit" }).click();
      await expect(admin).toHaveURL(/[?&]edit=/);
      await admin.reload();
      const edit = admin.getByRole("dialog", { name: "Edit JIT on 1 VM" });
      await expect(edit).toContainText(vm.name);
      await expect(edit.getByRole("group", { name: "Rule 1" }).getByLabel("Port")).toHaveValue("22");
      await edit.getByRole("button", { name: "Close" }).click();
      await expect(edit).toHaveCount(0);
      await expect(admin).not.toHaveURL(/[?&]edit=/);

      // A request for approval: the approver's decision blade survives a reload.
      await dev.getByRole("button", { name: `Actions for ${vm.name}` }).click();
      await dev.getByRole("menuitem", { name: "Request access" }).click();
      await blade.getByRole("switch", { name: "22 (SSH) TCP" }).check();
      await blade.getByLabel("Justification").fill("Rotating the certificate, CHG-812");
      await blade.getByRole("button", { name: "Request approval" }).click();
      await expect(blade.getByText("Request sent for approval")).toBeVisible();
      await blade.getByRole("button", { name: "Done" }).click();
      await expect(blade).toHaveCount(0);

      const approver = await login({ user: "approver" });
      await approver.goto("/approvals");
      const row = approver.getByRole("table", { name: "Requests waiting for your decision" }).getByRole("row", { name: new RegExp(vm.name) });
      await row.getByRole("button", { name: "Decide" }).click();
      await expect(approver).toHaveURL(/[?&]request=/);
      await approver.reload();
      const decision = approver.getByRole("dialog", { name: `Request for ${vm.name}` });
      await expect(decision).toContainText("Rotating the certificate, CHG-812");

      // Withdrawn before JIT is removed.
      await dev.goto("/my-access");
      await dev.getByRole("button", { name: `Cancel request for ${vm.name}` }).click();
      await dev.getByRole("dialog", { name: /^Cancel your request/ }).getByRole("button", { name: "Cancel request" }).click();
      await expect(dev.getByRole("table", { name: "Requests waiting for approval" })).toHaveCount(0);
    },
    oneApproval,
  );
});
