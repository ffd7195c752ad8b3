import { expect, test } from "../support/login.ts";
import * as access from "../support/vm-access.ts";
import { jitAllowRules, sshPerRequest } from "../support/vm-access.ts";

/**
 * A policy's justification rule (issue 21): the Request access blade shows the hint before the requester types,
 * and the server's refusal of a justification that does not match lands on the field, with nothing opened.
 * vm-dev-api-03 is in dev@contoso.test's Requester scope; the policy is enabled and removed through the API.
 */
const vm = access.demoVm("vm-dev-api-03");
const incident = { minLength: 0, pattern: "^(INC|CHG)\\d{6}", hint: "Enter the incident or change number, like INC123456" };

test("the blade shows the policy's justification hint, the server refuses a text that does not match it, and a matching one opens the port", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await access.withPolicy(
    admin,
    vm,
    [sshPerRequest],
    async (authorization) => {
      const dev = await login({ user: "dev" });
      await access.showConfigured(dev, vm);
      await dev.getByRole("checkbox", { name: `Select ${vm.name}` }).check();
      await dev.getByRole("button", { name: "Request access" }).click();

      const blade = access.requestBlade(dev, vm);
      await blade.getByRole("switch", { name: "22 (SSH) TCP" }).check();
      const justification = blade.getByRole("textbox", { name: /^Justification/ });
      // Shown before anything is typed.
      await expect(justification).toHaveAccessibleDescription(/^Required by this VM's policy\. Enter the incident or change number, like INC123456\. /);

      await justification.fill("fix the deploy");
      await blade.getByRole("button", { name: "Open ports" }).click();
      await expect(justification).toHaveAccessibleDescription("Enter the incident or change number, like INC123456 (must match the pattern ^(INC|CHG)\\d{6})");
      expect(jitAllowRules(await access.nsgRules(admin.request, authorization, vm))).toEqual([]);

      await justification.fill("INC123456 fix the deploy");
      await blade.getByRole("button", { name: "Open ports" }).click();
      await expect(blade.getByText(/^Open until /)).toBeVisible();
      expect(jitAllowRules(await access.nsgRules(admin.request, authorization, vm))).toHaveLength(1);

      // Revoke, so the policy can be removed with the NSG as it was.
      const devAuthorization = await access.bearerOf(dev);
      const grants = await dev.request.get("/api/grants?status=active", { headers: { Authorization: devAuthorization } });
      for (const grant of ((await grants.json()) as { items: Array<{ id: string }> }).items) {
        const revoked = await dev.request.post(`/api/grants/${grant.id}/revoke`, { headers: { Authorization: devAuthorization }, data: {} });
        expect(revoked.ok()).toBe(true);
      }
    },
    { justificationRequired: true, justificationRule: incident },
  );
});
