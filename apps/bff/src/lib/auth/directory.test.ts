import { describe, expect, it } from "vitest";
import { createDirectory } from "./directory.ts";
import { principalFromClaims } from "./principal.ts";
import type { PrincipalStore } from "./principal-store.ts";

const noPrincipals = { get: async () => null, findByUsername: async () => null } as unknown as PrincipalStore;
const localUsers = [{ oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e02", username: "dev@contoso.test", name: "Dana", groups: ["grp-developers", "grp-on-call"] }];

describe("directory: groups named in an automatic approval rule", () => {
  it("with the local issuer, knows every group its users carry and refuses any other (any case accepted)", () => {
    const directory = createDirectory({ principals: noPrincipals, localUsers });
    expect(directory.groupProblem("grp-on-call")).toBeNull();
    expect(directory.groupProblem("GRP-ON-CALL")).toBeNull();
    expect(directory.groupProblem("grp-nobody")).toBe(`"grp-nobody" is not a group of the local issuer's users (known groups: grp-developers, grp-on-call)`);
  });

  it("with Entra ID (no Microsoft Graph), accepts group object ids only", () => {
    const directory = createDirectory({ principals: noPrincipals });
    expect(directory.groupProblem("6f1a2b3c-0000-4000-8000-00000000abcd")).toBeNull();
    expect(directory.groupProblem("on-call")).toMatch(/must be a group object id \(a GUID/);
  });

  it("looks a user's groups up only where it can (the local issuer's users); null otherwise", async () => {
    expect(await createDirectory({ principals: noPrincipals, localUsers }).groupsOf("5D7A0F2C-1B3E-4C6D-8E9F-0A1B2C3D4E02")).toEqual(["grp-developers", "grp-on-call"]);
    expect(await createDirectory({ principals: noPrincipals, localUsers }).groupsOf("0f0f0f0f-1111-4222-8333-444444444444")).toBeNull();
    expect(await createDirectory({ principals: noPrincipals }).groupsOf(localUsers[0]?.oid ?? "")).toBeNull();
  });
});

describe("principal: the groups overage", () => {
  const base = { oid: "A", tid: "T", name: "n" };
  it.each([
    ["a groups list", { groups: ["G1"] }, false],
    ["_claim_names.groups (access and ID tokens)", { _claim_names: { groups: "src1" }, _claim_sources: { src1: {} } }, true],
    ["hasgroups: true (implicit flow)", { hasgroups: true }, true],
    ["no groups at all", {}, false],
  ])("%s -> overflowed %s", (_case, claims, overflowed) => {
    expect(principalFromClaims({ ...base, ...claims }).groupsOverflowed === true).toBe(overflowed);
  });
});
