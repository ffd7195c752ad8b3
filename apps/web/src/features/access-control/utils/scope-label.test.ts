import { describe, expect, it } from "vitest";
import { describeScope, parseScope, subscriptionNamesFrom } from "./scope-label.ts";

const prod = "11111111-aaaa-4bbb-8ccc-000000000001";
const names = subscriptionNamesFrom([{ id: prod, name: "Contoso-Prod" }]);
const unknown = "99999999-aaaa-4bbb-8ccc-000000000009";

describe("describeScope", () => {
  it.each([
    ["the tenant", "/", "Tenant (all subscriptions)"],
    ["a known subscription", `/subscriptions/${prod}`, "Subscription Contoso-Prod"],
    ["a known subscription in other letter case", `/subscriptions/${prod.toUpperCase()}`, "Subscription Contoso-Prod"],
    ["a resource group", `/subscriptions/${prod}/resourceGroups/rg-web-prod`, "Resource group rg-web-prod in Contoso-Prod"],
    [
      "a virtual machine",
      `/subscriptions/${prod}/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachines/vm-prod-web-01`,
      "VM vm-prod-web-01 in rg-web-prod (Contoso-Prod)",
    ],
    ["an unknown subscription (raw)", `/subscriptions/${unknown}`, `/subscriptions/${unknown}`],
    ["a resource group of an unknown subscription (raw)", `/subscriptions/${unknown}/resourceGroups/rg`, `/subscriptions/${unknown}/resourceGroups/rg`],
    ["text that is no scope (raw)", "/providers/Microsoft.Management/x", "/providers/Microsoft.Management/x"],
  ])("%s", (_case, scope, expected) => {
    expect(describeScope(scope, names)).toBe(expected);
  });
});

describe("parseScope", () => {
  it("takes a VM id apart", () => {
    expect(parseScope(`/subscriptions/${prod}/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/vm-1`)).toEqual({
      kind: "vm",
      subscriptionId: prod,
      resourceGroup: "rg-a",
      vmName: "vm-1",
    });
  });

  it.each(["", "subscriptions/x", `/subscriptions/${prod}/`, `/subscriptions/${prod}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n`])(
    "refuses %j",
    (scope) => {
      expect(parseScope(scope)).toBeUndefined();
    },
  );
});
