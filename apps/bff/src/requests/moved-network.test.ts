import type { Grant } from "@portcullis/contract";
import { parseAllowRuleDescription } from "@portcullis/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../test-support/sign-in.ts";
import { demo, demoNsgId, prod } from "../test-support/policies.ts";
import { allowRules, enablePolicy, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

const nsgSnetData = demoNsgId("rg-net-prod", "nsg-snet-data");

/**
 * Requests remember which NICs and subnets they found behind a VM, to read them alongside the VM next time. Every
 * one of those is still read by the request itself, so a VM whose network changed between two requests is written
 * where it is now, not where it was.
 */
describe("a VM whose network changed between two requests", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let dev: string;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    await enablePolicy(bff, [demo.web02], [sshPerRequest]);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const open = async (who: string): Promise<Grant> => {
    const res = await requestAccess(bff, who, { vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Grant;
  };
  const grantsIn = async (nsgId: string): Promise<string[]> => (await allowRules(bff.arm, nsgId)).map((rule) => parseAllowRuleDescription(rule.description)?.grantId ?? "");

  it("is written where it is now: its NIC moved to another subnet and its NIC's NSG detached", async () => {
    const first = await open(dev);
    expect(await grantsIn(demo.nsgSnetWeb)).toContain(first.id);
    expect(await grantsIn(demo.nsgWeb02)).toContain(first.id);

    // Through ARM, as an operator would: the NIC goes to snet-data (its own NSG) and loses its NIC NSG.
    const vm = await bff.arm.compute(prod).virtualMachines.get("rg-web-prod", "vm-prod-web-02");
    const nicId = vm.networkProfile?.networkInterfaces?.[0]?.id ?? "";
    const nicName = nicId.split("/").at(-1) ?? "";
    const nic = await bff.arm.network(prod).networkInterfaces.get("rg-web-prod", nicName);
    const moved = {
      ...nic,
      networkSecurityGroup: undefined,
      // snet-data is in the same virtual network as snet-web.
      ipConfigurations: (nic.ipConfigurations ?? []).map((config) => ({ ...config, subnet: { id: (config.subnet?.id ?? "").replace(/snet-web$/, "snet-data") }, privateIPAddress: undefined })),
    };
    await bff.arm.network(prod).networkInterfaces.beginCreateOrUpdateAndWait("rg-web-prod", nicName, moved);

    // The next request reads where the VM is now: the new subnet's NSG holds no Deny rule of its policy yet.
    const refused = await requestAccess(bff, admin, { vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("NSG nsg-snet-data has no JIT Deny rule for VM vm-prod-web-02");
    expect(refused.body.error.details).toMatchObject({ reason: "not-enabled", nsgId: nsgSnetData });

    // Enabled again, where it is now: the next grant's rule is in snet-data's NSG, and not where the VM was.
    await enablePolicy(bff, [demo.web02], [sshPerRequest]);
    const second = await open(admin);
    expect(await grantsIn(nsgSnetData)).toContain(second.id);
    expect(await grantsIn(demo.nsgSnetWeb)).not.toContain(second.id);
    expect(await grantsIn(demo.nsgWeb02)).not.toContain(second.id);
  });
});
