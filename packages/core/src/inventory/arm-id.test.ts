import { describe, expect, it } from "vitest";
import { nameFromArmId, resourceGroupFromArmId, subscriptionKey } from "./arm-id.ts";

const id = "/subscriptions/ABC/resourceGroups/RG-Net/providers/Microsoft.Network/networkSecurityGroups/nsg-web";

describe("ARM id helpers", () => {
  const helpers = { nameFromArmId, resourceGroupFromArmId, subscriptionKey };
  it.each([
    ["nameFromArmId", id, "nsg-web"],
    ["resourceGroupFromArmId", id, "RG-Net"],
    ["resourceGroupFromArmId", "/subscriptions/abc", ""],
    ["subscriptionKey", id, "abc"],
    ["subscriptionKey", "ABC-123", "abc-123"],
  ] as const)("%s(%s) is %j", (helper, input, expected) => {
    expect(helpers[helper](input)).toBe(expected);
  });
});
