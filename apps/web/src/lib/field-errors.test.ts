import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.ts";
import { fieldErrorsOf } from "./field-errors.ts";

const fields = ["principalId", "scope", "role"] as const;

function badRequest(problems: unknown): ApiError {
  return new ApiError({ status: 400, code: "BadRequest", message: "scope: must be /", details: { problems } });
}

describe("fieldErrorsOf", () => {
  it("puts each of the server's problems under its field", () => {
    const error = badRequest([
      { field: "scope", rule: "must be /, /subscriptions/{id}" },
      { field: "role", rule: "must be one of Admin, Requester" },
    ]);
    expect(fieldErrorsOf(error, fields)).toEqual({
      fields: { scope: "must be /, /subscriptions/{id}", role: "must be one of Admin, Requester" },
      other: undefined,
    });
  });

  it("joins two problems with one field and keeps problems with no field for the banner", () => {
    const error = badRequest([
      { field: "scope", rule: "is required" },
      { field: "scope", rule: "must be at most 400 characters" },
      { field: "body", rule: "has unknown field(s) extra" },
    ]);
    expect(fieldErrorsOf(error, fields)).toEqual({
      fields: { scope: "is required; must be at most 400 characters" },
      other: "body: has unknown field(s) extra",
    });
  });

  it.each([
    ["a 409", new ApiError({ status: 409, code: "Conflict", message: "already assigned", details: { problems: [{ field: "scope", rule: "x" }] } })],
    ["a 400 without problems", new ApiError({ status: 400, code: "BadRequest", message: "bad" })],
    ["a thrown Error", new Error("boom")],
  ])("leaves %s whole for the banner", (_case, error) => {
    expect(fieldErrorsOf(error, fields)).toEqual({ fields: {}, other: error });
  });
});
