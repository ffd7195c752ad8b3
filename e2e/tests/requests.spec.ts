import { expect, test } from "../support/login.ts";
import * as access from "../support/vm-access.ts";
import { bearerOf, jitAllowRules, sshPerRequest, withoutHostLength, type PolicyPortBody } from "../support/vm-access.ts";

/**
 * Requesting access, seeing it open in the NSG, and revoking it. vm-dev-api-03 (Linux, Contoso-Dev, in
 * dev@contoso.test's Requester scope) sits behind an NSG of its own on the NIC, in a subnet without an NSG,
 * and no other spec uses it, so its NSG can be compared rule for rule. Each test enables JIT through the API
 * with the admin's token and removes it again, leaving the estate as the other specs expect it.
 */
const vm = access.demoVm("vm-dev-api-03");
const nsgRules = (request: Parameters<typeof access.nsgRules>[0], authorization: string) => access.nsgRules(request, authorization, vm);
const withPolicy = (admin: Parameters<typeof access.withPolicy>[0], ports: PolicyPortBody[], body: (authorization: string) => Promise<void>) => access.withPolicy(admin, vm, ports, body);
const showConfigured = (page: Parameters<typeof access.showConfigured>[0]) => access.showConfigured(page, vm);
const requestBlade = (page: Parameters<typeof access.requestBlade>[0]) => access.requestBlade(page, vm);

test("a requester opens SSH to their own IP for an hour, sees it in the NSG, and revokes it on My access", async ({ login }) => {
  const admin = await login({ user: "admin" });
  await withPolicy(admin, [sshPerRequest], async (authorization) => {
    const dev = await login({ user: "dev" });
    await expect(dev.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My access" })).toBeVisible();
    await showConfigured(dev);
    await dev.getByRole("checkbox", { name: `Select ${vm.name}` }).check();
    await dev.getByRole("button", { name: "Request access" }).click();

    const blade = requestBlade(dev);
    const ssh = blade.getByRole("switch", { name: "22 (SSH) TCP" });
    await expect(ssh).not.toBeChecked();
    await ssh.check();
    await expect(blade.getByText("Max 3 h · sources: you choose, up to a /24 (IPv4) or /56 (IPv6)")).toBeVisible();
    const myIp = blade.getByRole("radio", { name: /^My IP \(/ });
    await expect(myIp).toBeChecked();
    // The address the server saw this browser connect from.
    const ip = /^My IP \((.+)\)$/.exec((await blade.getByText(/^My IP \(/).textContent()) ?? "")?.[1];
    expect(ip).toMatch(/^[\d.]+$|:/);
    await blade.getByRole("combobox", { name: "Time range" }).click();
    await dev.getByRole("option", { name: "1 h", exact: true }).click();
    await blade.getByLabel("Justification").fill("Deploying the hotfix for INC-4711");
    await blade.getByRole("button", { name: "Open ports" }).click();

    await expect(blade.getByText(/^Open until /)).toBeVisible();
    await expect(blade.getByText(/Closes in (1 h|59 min)/)).toBeVisible();
    await expect(blade.getByLabel("SSH command")).toContainText(/^ssh \S+@\S+/);

    // The NSG now admits the requester's address (and only it) on port 22, ahead of the JIT Deny rule.
    const open = jitAllowRules(await nsgRules(admin.request, authorization));
    expect(open).toHaveLength(1);
    expect(open[0]?.ports).toEqual(["22"]);
    expect(open[0]?.sources.map(withoutHostLength)).toEqual([ip]);

    await blade.getByRole("button", { name: "Done" }).click();
    await expect(blade).toHaveCount(0);

    await dev.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My access" }).click();
    await expect(dev.getByRole("heading", { name: "My access" })).toBeVisible();
    const active = dev.getByRole("table", { name: "Active access" });
    const row = active.getByRole("row", { name: new RegExp(vm.name) });
    await expect(row).toContainText("22 (SSH) TCP");
    await expect(row).toContainText(/Closes in/);
    // Half an hour more fits the policy's 3 hours; two more hours on top would not, and the server says why.
    await row.getByRole("button", { name: `Extend access to ${vm.name}` }).click();
    const extend = dev.getByRole("dialog", { name: `Extend access to ${vm.name}` });
    await expect(extend.getByRole("radio", { name: "30 min" })).toBeChecked();
    await extend.getByRole("button", { name: "Extend" }).click();
    await expect(extend).toHaveCount(0);
    await expect(row).toContainText(/Closes in 1 h (30|29) min/);
    await row.getByRole("button", { name: `Extend access to ${vm.name}` }).click();
    await extend.getByRole("radio", { name: "Custom" }).check();
    await extend.getByLabel("Minutes").fill("120");
    await extend.getByRole("button", { name: "Extend" }).click();
    await expect(extend.getByText(/^The time to add must be at most \d+ minutes/)).toBeVisible();
    await extend.getByRole("button", { name: "Cancel" }).click();
    await expect(extend).toHaveCount(0);

    await row.getByRole("button", { name: `Revoke access to ${vm.name}` }).click();
    const confirm = dev.getByRole("dialog", { name: `Revoke access to ${vm.name}?` });
    await confirm.getByRole("button", { name: "Revoke" }).click();
    await expect(confirm).toHaveCount(0);

    await expect(active).toContainText("No ports are open for you.");
    await expect(dev.getByRole("table", { name: "Recent access" }).getByRole("row", { name: new RegExp(vm.name) }).first()).toContainText("Revoked");
    expect(jitAllowRules(await nsgRules(admin.request, authorization))).toEqual([]);

    // An auditor sees both the opening and the revocation in the VM's activity log, with who did it.
    const auditor = await login({ user: "auditor" });
    await auditor.goto(`/activity?${new URLSearchParams({ vmId: vm.id.toLowerCase() }).toString()}`);
    const events = auditor.getByRole("table", { name: "Activity events" });
    await expect(events.getByRole("row", { name: /Access opened/ }).first()).toContainText("Dana Developer");
    await expect(events.getByRole("row", { name: /Access revoked/ }).first()).toContainText("Dana Developer");
  });
});

test("a range outside the policy's allowed sources is refused on its field, and nothing opens", async ({ login }) => {
  const admin = await login({ user: "admin" });
  const office: PolicyPortBody = { ...sshPerRequest, allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24"] } };
  await withPolicy(admin, [office], async (authorization) => {
    const dev = await login({ user: "dev" });
    await showConfigured(dev);
    // The row's menu offers it too; this time the request starts from the VM's Properties blade.
    await dev.getByRole("button", { name: `Actions for ${vm.name}` }).click();
    await expect(dev.getByRole("menuitem", { name: "Request access" })).toBeVisible();
    await dev.getByRole("menuitem", { name: "Properties" }).click();
    await dev.getByRole("dialog", { name: `Properties of ${vm.name}` }).getByRole("button", { name: "Request access" }).click();

    const blade = requestBlade(dev);
    await blade.getByRole("switch", { name: "22 (SSH) TCP" }).check();
    await blade.getByRole("radio", { name: "IP range" }).check();
    await expect(blade.getByText(/must fit the policy's allowed sources \(203\.0\.113\.0\/24\)/)).toBeVisible();
    const range = blade.getByLabel("IP address or CIDR range 1");
    await range.fill("198.51.100.7");
    await blade.getByLabel("Justification").fill("Checking the outside range is refused");
    await blade.getByRole("button", { name: "Open ports" }).click();

    await expect(range).toHaveAttribute("aria-invalid", "true");
    await expect(blade.getByText(/198\.51\.100\.7.* outside the sources allowed for port 22: 203\.0\.113\.0\/24/)).toBeVisible();
    await expect(blade.getByText(/^Open until /)).toHaveCount(0);
    expect(jitAllowRules(await nsgRules(admin.request, authorization))).toEqual([]);

    // Inside the allowed range, the same form opens the port.
    await range.fill("203.0.113.7");
    await expect(range).toHaveAttribute("aria-invalid", "false");
    await blade.getByRole("button", { name: "Open ports" }).click();
    await expect(blade.getByText(/^Open until /)).toBeVisible();
    expect(jitAllowRules(await nsgRules(admin.request, authorization)).flatMap((rule) => rule.sources.map(withoutHostLength))).toEqual(["203.0.113.7"]);

    // Closed again through the API, as the requester, before JIT is removed.
    const devAuthorization = await bearerOf(dev);
    const grants = await dev.request.get("/api/grants?scope=mine&status=active", { headers: { Authorization: devAuthorization } });
    const [grant] = ((await grants.json()) as { items: Array<{ id: string }> }).items;
    expect(grant).toBeDefined();
    const revoked = await dev.request.post(`/api/grants/${grant!.id}/revoke`, { headers: { Authorization: devAuthorization }, data: {} });
    expect(revoked.ok()).toBe(true);
    expect(jitAllowRules(await nsgRules(admin.request, authorization))).toEqual([]);
  });
});
