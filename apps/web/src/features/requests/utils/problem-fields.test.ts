import { describe, expect, it } from "vitest";
import type { CreateAccessRequestBody } from "@portcullis/contract";
import { ApiError } from "../../../lib/api-error.ts";
import { requestFieldErrors, requestFieldOf } from "./problem-fields.ts";

const body: CreateAccessRequestBody = {
  vmId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
  ports: [
    { port: 22, protocol: "TCP" },
    { port: 3389, protocol: "TCP" },
  ],
  sources: { kind: "ranges", prefixes: ["10.0.0.1", "198.51.100.0/24"] },
  durationMinutes: 60,
};

function badRequest(problems: unknown): ApiError {
  return new ApiError({ status: 400, code: "BadRequest", message: "invalid", details: { problems } });
}

describe("requestFieldOf", () => {
  it.each([
    ["ports[0].port", "port:22/TCP"],
    ["ports[1].port", "port:3389/TCP"],
    ["ports[1].protocol", "port:3389/TCP"],
    ["ports[0]", "port:22/TCP"],
    ["ports[7].port", "ports"],
    ["ports", "ports"],
    ["durationMinutes", "durationMinutes"],
    ["justification", "justification"],
    ["breakGlass", "breakGlass"],
    ["sources.prefixes[1]", "sources.prefixes[1]"],
    ["sources.prefixes[0]", "sources.prefixes[0]"],
    ["sources.prefixes", "sources.prefixes"],
    ["sources.ip", "sources"],
    ["sources.kind", "sources"],
  ])("%s is the form's %s", (field, formField) => {
    expect(requestFieldOf(field, body)).toBe(formField);
  });

  it.each(["vmId", "body", "addMinutes"])("%s names no field of the form", (field) => {
    expect(requestFieldOf(field, body)).toBeUndefined();
  });
});

describe("requestFieldErrors", () => {
  it("puts each problem under its field and joins two on one field", () => {
    const error = badRequest([
      { field: "sources.prefixes[1]", rule: "198.51.100.0/24 is outside the sources allowed for port 3389: 10.0.0.0/8" },
      { field: "durationMinutes", rule: "must be at most 30 minutes (the max request time of port 3389)" },
      { field: "ports[0].port", rule: "port 22 is not configured for this VM" },
      { field: "ports[0].protocol", rule: "must be TCP, UDP or Any" },
    ]);
    expect(requestFieldErrors(error, body)).toEqual({
      fields: {
        "sources.prefixes[1]": "198.51.100.0/24 is outside the sources allowed for port 3389: 10.0.0.0/8",
        durationMinutes: "must be at most 30 minutes (the max request time of port 3389)",
        "port:22/TCP": "port 22 is not configured for this VM; must be TCP, UDP or Any",
      },
      other: undefined,
    });
  });

  it("keeps problems without a field for the blade's alert", () => {
    const error = badRequest([
      { field: "vmId", rule: "is required" },
      { field: "justification", rule: "is required by this VM's policy" },
    ]);
    expect(requestFieldErrors(error, body)).toEqual({ fields: { justification: "is required by this VM's policy" }, other: "vmId: is required" });
  });

  it("leaves any other failure whole, such as the NSG write that failed", () => {
    const failed = new ApiError({ status: 502, code: "UpstreamFailed", message: "Writing NSG nsg-vm-dev-api-03 failed: SecurityRuleConflict", details: { nsgName: "nsg-vm-dev-api-03" } });
    expect(requestFieldErrors(failed, body)).toEqual({ fields: {}, other: failed });
    const noProblems = badRequest([]);
    expect(requestFieldErrors(noProblems, body)).toEqual({ fields: {}, other: noProblems });
  });
});
