import { describe, expect, it } from "vitest";
import { parseJsonDocument } from "./parse-json-document.ts";

describe("parseJsonDocument", () => {
  it("returns the object that was pasted", () => {
    expect(parseJsonDocument('{ "value": [] }')).toEqual({ ok: true, document: { value: [] } });
  });

  it.each([
    ["nothing", "  ", /Paste a policy/],
    ["broken JSON", "{ value: ", /Not valid JSON/],
    ["an array", "[]", /Expected a JSON object/],
    ["a string", '"policy"', /Expected a JSON object/],
  ])("refuses %s before sending it", (_case, text, problem) => {
    const parsed = parseJsonDocument(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});
