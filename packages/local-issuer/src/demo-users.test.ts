import { describe, expect, it } from "vitest";
import { createUserDirectory, demoPassword, demoUsers } from "./demo-users.ts";

const directory = createUserDirectory(demoUsers);

describe("demo users", () => {
  it.each([
    ["admin@contoso.test", demoPassword, "admin@contoso.test"],
    ["  ADMIN@Contoso.Test ", demoPassword, "admin@contoso.test"],
    ["admin@contoso.test", "portcullis!demo1", undefined],
    ["admin@contoso.test", "", undefined],
    ["nobody@contoso.test", demoPassword, undefined],
  ])("when %j signs in with %j, then the result is %s", (username, password, expected) => {
    expect(directory.authenticate(username, password)?.username).toBe(expected);
  });

  it("has the documented roles, with the requester holding no tenant role", () => {
    expect(Object.fromEntries(demoUsers.map((user) => [user.username, user.roles]))).toEqual({
      "admin@contoso.test": ["Jit.Admin"],
      "dev@contoso.test": [],
      "approver@contoso.test": ["Jit.Approver"],
      "auditor@contoso.test": ["Jit.Auditor"],
      "reader@contoso.test": [],
      "approver2@contoso.test": ["Jit.Approver"],
    });
    expect(demoUsers.find((user) => user.username === "dev@contoso.test")?.groups).toEqual(["grp-developers", "grp-on-call"]);
    expect(demoUsers.find((user) => user.username === "admin@contoso.test")?.groups).not.toContain("grp-on-call");
  });

  it("refuses a user list with a repeated username", () => {
    const [first] = demoUsers;
    if (!first) throw new Error("no demo users");
    expect(() => createUserDirectory([first, { ...first, oid: "another-oid" }])).toThrow(/unique/);
  });
});
