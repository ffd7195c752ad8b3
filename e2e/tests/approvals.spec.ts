import type { Page } from "@playwright/test";
import { expect, test } from "../support/login.ts";
import { bearerOf, demoVm, jitAllowRules, nsgRules, requestBlade, showConfigured, sshPerRequest, withPolicy, withoutHostLength } from "../support/vm-access.ts";

/**
 * A VM whose SSH needs two approvals: the requester asks, two approvers approve in their own sessions, the port
 * opens to the requester's address only, and the requester sees it open. vm-dev-api-02 (Contoso-Dev, in
 * dev@contoso.test's Requester scope) is used by no other spec.
 */
const vm = demoVm("vm-dev-api-02");
const twoApprovals = { approval: { requiredApprovals: 2, approvers: { roleHolders: true }, maxWait: "PT4H", clockStartsAt: "approval" } };

async function approve(page: Page, comment: string): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Pending approvals" }).click();
  const waiting = page.getByRole("table", { name: "Requests waiting for your decision" });
  const row = waiting.getByRole("row", { name: new RegExp(vm.name) });
  await expect(row).toContainText("Dana Developer");
  await expect(row).toContainText("Deploying INC-5120");
  await row.getByRole("button", { name: "Decide" }).click();
  const blade = page.getByRole("dialog", { name: `Request for ${vm.name}` });
  await blade.getByLabel("Comment").fill(comment);
  await blade.getByRole("button", { name: "Approve" }).click();
}

test("a request that needs two approvals opens only after both approvers approve in their own sessions, and the requester sees it open", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await withPolicy(
    admin,
    vm,
    [sshPerRequest],
    async (authorization) => {
      const dev = await login({ user: "dev" });
      await showConfigured(dev, vm);
      await dev.getByRole("checkbox", { name: `Select ${vm.name}` }).check();
      await dev.getByRole("button", { name: "Request access" }).click();
      const blade = requestBlade(dev, vm);
      await blade.getByRole("switch", { name: "22 (SSH) TCP" }).check();
      await expect(blade.getByText("Needs approval")).toBeVisible();
      const ip = /^My IP \((.+)\)$/.exec((await blade.getByText(/^My IP \(/).textContent()) ?? "")?.[1];
      await blade.getByRole("combobox", { name: "Time range" }).click();
      await dev.getByRole("option", { name: "1 h", exact: true }).click();
      await blade.getByLabel("Justification").fill("Deploying INC-5120");
      await blade.getByRole("button", { name: "Request approval" }).click();
      await expect(blade.getByText("Request sent for approval")).toBeVisible();
      expect(jitAllowRules(await nsgRules(admin.request, authorization, vm))).toEqual([]);

      await blade.getByRole("link", { name: "Go to My access" }).click();
      const pending = dev.getByRole("table", { name: "Requests waiting for approval" }).getByRole("row", { name: new RegExp(vm.name) });
      await expect(pending).toContainText("Waiting for 2 more approvals");

      // The first approver: one of two; nothing opens yet.
      const approver = await login({ user: "approver" });
      await approve(approver, "Fine with me");
      await expect(approver.getByText("Approved: waiting for 1 more approval")).toBeVisible();
      expect(jitAllowRules(await nsgRules(admin.request, authorization, vm))).toEqual([]);
      // The requester's page follows without a reload (it polls while a request waits).
      await expect(pending).toContainText("Waiting for 1 more approval", { timeout: 20_000 });

      // The second approver, in a session of their own: the port opens.
      const approver2 = await login({ user: "approver2" });
      await approve(approver2, "Approved for the deploy window");
      await expect(approver2.getByText(new RegExp(`^Approved: port 22 on ${vm.name} is open until`))).toBeVisible();

      // Every NSG in front of the VM (its NIC's and its subnet's) now admits the requester's address, and only it, on 22.
      const nsgs = await nsgRules(admin.request, authorization, vm);
      expect(nsgs.length).toBeGreaterThan(0);
      for (const nsg of nsgs) {
        const open = jitAllowRules([nsg]);
        expect(open, nsg.name).toHaveLength(1);
        expect(open[0]?.ports).toEqual(["22"]);
        expect(open[0]?.sources.map(withoutHostLength)).toEqual([ip]);
      }

      const active = dev.getByRole("table", { name: "Active access" });
      const row = active.getByRole("row", { name: new RegExp(vm.name) });
      await expect(row).toContainText("22 (SSH) TCP", { timeout: 20_000 });
      await expect(row).toContainText(/Closes in (1 h|59 min)/);
      await expect(dev.getByRole("table", { name: "Requests waiting for approval" })).toHaveCount(0);

      // Closed again through the API, as the requester, before JIT is removed.
      const devAuthorization = await bearerOf(dev);
      const grants = await dev.request.get("/api/grants?scope=mine&status=active", { headers: { Authorization: devAuthorization } });
      const grant = ((await grants.json()) as { items: Array<{ id: string; vmName: string }> }).items.find((g) => g.vmName === vm.name);
      expect(grant).toBeDefined();
      expect((await dev.request.post(`/api/grants/${grant!.id}/revoke`, { headers: { Authorization: devAuthorization }, data: {} })).ok()).toBe(true);
      expect(jitAllowRules(await nsgRules(admin.request, authorization, vm))).toEqual([]);
    },
    twoApprovals,
  );
});
