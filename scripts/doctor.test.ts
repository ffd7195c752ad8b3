import { describe, expect, it } from "vitest";
import { doctorFromEnv } from "./doctor-run.ts";

const local = { LOG_LEVEL: "silent", DATA_DIR: "/tmp/portcullis-doctor-unused" };

describe("npm run doctor in local mode (the emulator and the local issuer)", () => {
  it("holds with the default identity: a token, both demo subscriptions, every action in each resource group", async () => {
    const findings = await doctorFromEnv(local);
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    expect(findings.find((f) => f.check === "Azure token")?.detail).toMatch(/^the local-emulator credential gets a token for https:\/\/localhost:\d+$/);
    expect(findings.find((f) => f.check === "Subscriptions")?.detail).toMatch(/^sees 2: Contoso-Prod .*Contoso-Dev/);
    const groups = findings.filter((f) => f.check.startsWith("Permissions in "));
    expect(groups.length).toBeGreaterThan(3);
    expect(groups.every((f) => f.detail === "holds every action Portcullis needs (9)")).toBe(true);
  });

  it("names the missing actions and the fix when the emulator's identity is restricted (EMULATOR_ARM_ACTIONS)", async () => {
    const findings = await doctorFromEnv({ ...local, EMULATOR_ARM_ACTIONS: "Microsoft.Resources/subscriptions/read,Microsoft.Compute/virtualMachines/read,Microsoft.Network/*/read,Microsoft.Authorization/*/read" });
    const failed = findings.filter((f) => !f.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const finding of failed) {
      expect(finding.check).toMatch(/^Permissions in Contoso-(Prod|Dev)\//);
      expect(finding.detail).toBe("lacks Microsoft.Network/networkSecurityGroups/write");
      expect(finding.fix).toMatch(/^assign the "Portcullis BFF" custom role of docs\/azure-permissions\.md on \/subscriptions\//);
    }
  });

  it("says when the identity cannot even read VMs (403 AuthorizationFailed from ARM)", async () => {
    const findings = await doctorFromEnv({ ...local, EMULATOR_ARM_ACTIONS: "Microsoft.Resources/subscriptions/read" });
    const failed = findings.filter((f) => !f.ok);
    expect(failed.map((f) => f.check)).toEqual(["Permissions in Contoso-Prod", "Permissions in Contoso-Dev"]);
    expect(failed[0]?.detail).toBe("listing VMs and NSGs failed: Microsoft.Compute/virtualMachines/read was refused or failed (Pagination failed with unexpected statusCode 403)");
    expect(failed[0]?.fix).toMatch(/^assign the role in docs\/azure-permissions\.md on \/subscriptions\//);
  });
});
