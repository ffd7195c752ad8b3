import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/api-error.ts";
import { canonicalField, humanizeRule, serverFieldErrors } from "./problem-fields.ts";

function badRequest(problems: unknown): ApiError {
  return new ApiError({ status: 400, code: "BadRequest", message: "invalid", details: { problems } });
}

describe("canonicalField", () => {
  it.each([
    ["ports[1].allowedSources.prefixes[0]", "ports[1].allowedSources.prefixes[0]"],
    ["ports[0].port", "ports[0].port"],
    ["ports[2].protocol", "ports[2].protocol"],
    ["ports[0].maxRequestDuration", "ports[0].maxRequestDuration"],
    ["ports[0].maxRequestMinutes", "ports[0].maxRequestDuration"],
    ["ports[3].allowedSources.kind", "ports[3].allowedSources"],
    ["ports[3].allowedSources.prefixes", "ports[3].allowedSources.prefixes"],
    ["ports[1]", "ports[1]"],
    ["ports", "ports"],
    ["ports[0].requireApproval", "ports[0].requireApproval"],
    ["approval.requiredApprovals", "approval.requiredApprovals"],
    ["approval.maxWait", "approval.maxWait"],
    ["approval.approvers", "approval.approvers"],
    ["approval.approvers.roleHolders", "approval.approvers"],
    ["approval.approvers.users[2]", "approval.approvers.users"],
    ["approval.approvers.groups[0]", "approval.approvers.groups"],
    ["approval", "approval"],
    ["breakGlass", "breakGlass"],
  ])("%s is the form's %s", (field, canonical) => {
    expect(canonicalField(field)).toBe(canonical);
  });

  it.each(["vmIds", "vmIds[0]", "expectedVersions", "body", "ports.x.port", "ports.0.port", "body.ports[0].port"])("%s names no field of the form", (field) => {
    expect(canonicalField(field)).toBeUndefined();
  });
});

describe("serverFieldErrors", () => {
  it("puts each problem on the field it names, in the form's words", () => {
    const error = badRequest([
      { field: "ports[1].allowedSources.prefixes[0]", rule: "host bits set: 10.0.0.1/24 has address bits after its prefix length" },
      { field: "ports[0].port", rule: "port 22 is already listed for TCP (ports[1]); each port may appear once per protocol" },
    ]);
    expect(serverFieldErrors(error)).toEqual({
      fields: {
        "ports[1].allowedSources.prefixes[0]": "host bits set: 10.0.0.1/24 has address bits after its prefix length",
        "ports[0].port": "port 22 is already listed for TCP (rule 2); each port may appear once per protocol",
      },
      other: undefined,
    });
  });

  it("keeps problems with no field for the banner, and joins two on one field", () => {
    const error = badRequest([
      { field: "vmIds", rule: "must name at least one VM" },
      { field: "ports[0].port", rule: "must be at most 65535" },
      { field: "ports[0].port", rule: "must be an integer" },
    ]);
    expect(serverFieldErrors(error)).toEqual({
      fields: { "ports[0].port": "must be at most 65535; must be an integer" },
      other: "vmIds: must name at least one VM",
    });
  });

  it.each([
    ["a conflict", new ApiError({ status: 409, code: "Conflict", message: "changed meanwhile" })],
    ["a 400 without problems", new ApiError({ status: 400, code: "BadRequest", message: "bad JSON" })],
    ["a network failure", new TypeError("fetch failed")],
  ])("leaves %s whole for the banner", (_case, error) => {
    expect(serverFieldErrors(error)).toEqual({ fields: {}, other: error });
  });
});

describe("humanizeRule", () => {
  it("names rules and addresses as the blade numbers them", () => {
    expect(humanizeRule("10.0.0.0/8 is already listed (ports[0].allowedSources.prefixes[1])")).toBe("10.0.0.0/8 is already listed (rule 1, address 2)");
  });
});
