import { describe, expect, it } from "vitest";
import { ErrorBodySchema } from "./errors.ts";
import { fieldPath, fieldPathParts, type FieldPathPart } from "./field-paths.ts";

describe("field paths", () => {
  it.each<[string, FieldPathPart[], string]>([
    ["a top-level name", ["justification"], "justification"],
    ["nested names", ["approval", "autoApprove", "maxDuration"], "approval.autoApprove.maxDuration"],
    ["an index after a name", ["emails", 1], "emails[1]"],
    ["indices nested in names", ["ports", 1, "allowedSources", "prefixes", 0], "ports[1].allowedSources.prefixes[0]"],
    ["indices deep in a Defender file", ["value", 0, "properties", "virtualMachines", 12, "ports", 3, "number"], "value[0].properties.virtualMachines[12].ports[3].number"],
    ["an index of an index", ["matrix", 2, 3], "matrix[2][3]"],
    ["an index first (a list as the body)", [0, "id"], "[0].id"],
  ])("spells %s with dots between names and brackets around indices, and reads it back", (_case, parts, spelled) => {
    expect(fieldPath(parts)).toBe(spelled);
    expect(fieldPathParts(spelled)).toEqual(parts);
  });

  it.each([
    ["body", undefined],
    ["body", "body"],
    ["query", "query"],
    ["params", "params"],
  ] as const)("names the whole input %s when the path is empty", (spelled, whole) => {
    expect(fieldPath([], whole)).toBe(spelled);
    expect(fieldPathParts(spelled)).toEqual([spelled]);
  });

  it("keeps a name made of digits a name (a record's key), apart from an index", () => {
    expect(fieldPath(["flushPrevious", "0"])).toBe("flushPrevious.0");
    expect(fieldPathParts("flushPrevious.0")).toEqual(["flushPrevious", "0"]);
  });
});

describe("the error body", () => {
  it("types a 400's problems and keeps other errors' details", () => {
    const problems = [{ field: "ports[1].allowedSources.prefixes[0]", rule: "must be a string" }];
    expect(ErrorBodySchema.parse({ error: { code: "BadRequest", message: "m", details: { problems } } }).error.details?.problems).toEqual(problems);
    expect(ErrorBodySchema.parse({ error: { code: "Forbidden", message: "m", details: { permission: "jit.vm.read", scope: "/" } } }).error.details).toEqual({ permission: "jit.vm.read", scope: "/" });
  });

  it("refuses problems that do not name a field and a rule", () => {
    expect(ErrorBodySchema.safeParse({ error: { code: "BadRequest", message: "m", details: { problems: [{ field: 3 }] } } }).success).toBe(false);
  });
});
