import { permissions, type RoleAssignment } from "@portcullis/contract";
import { describe, expect, it } from "vitest";
import { buildAccess, requirePermission, requirePermissionSomewhere } from "./access.ts";
import type { Principal } from "./principal.ts";
import { normalizeScope, scopeCovers, scopeSegments } from "./scope.ts";

const sub = "/subscriptions/0c9d8e7f-6a5b-4c4d-9e3f-2a1b0c9d8e7f";
const rg1 = `${sub}/resourceGroups/rg-1`;
const vmInRg1 = `${rg1}/providers/Microsoft.Compute/virtualMachines/vm-a`;
const vmInRg10 = `${sub}/resourceGroups/rg-10/providers/Microsoft.Compute/virtualMachines/vm-b`;

describe("scopes", () => {
  it.each([
    ["/", sub, true],
    ["/", "/", true],
    [sub, rg1, true],
    [rg1, vmInRg1, true],
    [rg1.toUpperCase(), vmInRg1, true],
    [rg1, vmInRg10, false],
    [rg1, `${sub}/resourceGroups/rg-1x`, false],
    [`${sub}/resourceGroups/rg`, rg1, false],
    [vmInRg1, rg1, false],
    [sub, "/", false],
    ["/subscriptions/0c9d8e7f", sub, false],
  ])("%s covers %s: %s", (outer, inner, covers) => {
    expect(scopeCovers(scopeSegments(outer), scopeSegments(inner))).toBe(covers);
  });

  it.each([
    ["/", "/"],
    [`${sub}/resourceGroups/RG-Web`, `${sub}/resourcegroups/rg-web`],
    [`${sub}/`, sub],
  ])("normalizes %s to %s", (scope, normalized) => {
    expect(normalizeScope(scope)).toBe(normalized);
  });
});

function principal(overrides: Partial<Principal> = {}): Principal {
  return { oid: "u-1", name: "U", username: "u@x", tenantId: "t", tenantRoles: [], ignoredRoles: [], groups: ["g-dev"], ...overrides };
}

function assignment(overrides: Partial<RoleAssignment>): RoleAssignment {
  return {
    id: "a",
    principalType: "user",
    principalId: "u-1",
    principalName: "U",
    role: "Requester",
    scope: rg1.toLowerCase(),
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: "admin",
    ...overrides,
  };
}

describe("a caller's access", () => {
  it("holds a scoped role at its scope and below, never beside it", () => {
    const access = buildAccess(principal(), [assignment({})]);
    expect(access.has("jit.request.create", vmInRg1)).toBe(true);
    expect(access.has("jit.request.create", rg1)).toBe(true);
    expect(access.has("jit.request.create", vmInRg10)).toBe(false);
    expect(access.has("jit.request.create", sub)).toBe(false);
    expect(access.permissionsAt(vmInRg1)).toEqual(["jit.vm.read", "jit.request.create"]);
    expect(access.permissionsAt(vmInRg10)).toEqual([]);
    expect(access.tenantPermissions).toEqual([]);
    expect(access.anyScopePermissions).toEqual(["jit.vm.read", "jit.request.create"]);
  });

  it("applies group assignments by the token's group ids and ignores other principals' assignments", () => {
    const access = buildAccess(principal(), [
      assignment({ id: "g", principalType: "group", principalId: "G-DEV", role: "Approver", scope: sub }),
      assignment({ id: "other", principalId: "u-2", role: "Admin", scope: "/" }),
      assignment({ id: "not-my-group", principalType: "group", principalId: "g-ops", role: "Admin", scope: "/" }),
      // A user assignment whose id equals one of my groups is still someone else's.
      assignment({ id: "user-named-like-group", principalType: "user", principalId: "g-dev", role: "Admin", scope: "/" }),
    ]);
    expect(access.assignments.map((a) => a.id)).toEqual(["g"]);
    expect(access.has("jit.request.approve", vmInRg10)).toBe(true);
    expect(access.hasAtSomeScope("jit.rbac.write")).toBe(false);
  });

  it("gives tenant roles everywhere, combined with scoped ones", () => {
    const access = buildAccess(principal({ tenantRoles: ["Auditor"] }), [assignment({})]);
    expect(access.tenantPermissions).toEqual(["jit.vm.read", "jit.activity.read"]);
    expect(access.permissionsAt(vmInRg1)).toEqual(["jit.vm.read", "jit.request.create", "jit.activity.read"]);
    expect(access.has("jit.vm.read", "/")).toBe(true);
  });

  it("treats an assignment at / as tenant-wide", () => {
    const access = buildAccess(principal(), [assignment({ role: "Admin", scope: "/" })]);
    expect(access.tenantPermissions).toEqual([...permissions]);
  });

  it("refuses with a message naming the permission and the scope", () => {
    const access = buildAccess(principal(), [assignment({})]);
    expect(() => requirePermission(access, "jit.rbac.write", "/")).toThrow("Missing permission jit.rbac.write at scope /");
    expect(() => requirePermission(access, "jit.vm.read", vmInRg10)).toThrow(`Missing permission jit.vm.read at scope ${vmInRg10}`);
    expect(() => requirePermission(access, "jit.vm.read", vmInRg1)).not.toThrow();
    expect(() => requirePermissionSomewhere(buildAccess(principal(), []), "jit.vm.read")).toThrow("Missing permission jit.vm.read at any scope");
  });
});
