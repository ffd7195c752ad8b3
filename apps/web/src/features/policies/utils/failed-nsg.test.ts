import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api-error.ts";
import { failedNsgName } from "./failed-nsg.ts";

const nsgId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-web";

function failure(details: unknown): ApiError {
  return new ApiError({ status: 502, code: "UpstreamUnavailable", message: "ARM refused", details });
}

describe("failedNsgName", () => {
  it.each([
    ["nsgName", { nsgName: "nsg-web" }],
    ["nsgId", { nsgId }],
    ["nsg.name", { nsg: { name: "nsg-web" } }],
    ["nsg.id", { nsg: { id: nsgId } }],
  ])("finds the NSG in details.%s", (_case, details) => {
    expect(failedNsgName(failure(details))).toBe("nsg-web");
  });

  it.each([
    ["no details", failure(undefined)],
    ["other details", failure({ problems: [] })],
    ["not an API error", new Error("boom")],
  ])("is undefined for %s", (_case, error) => {
    expect(failedNsgName(error)).toBeUndefined();
  });
});
