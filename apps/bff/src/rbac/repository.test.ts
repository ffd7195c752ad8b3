import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testEngines } from "../test-support/db-engines.ts";
import { createRoleAssignmentRepository, type NewRoleAssignment, type RoleAssignmentRepository } from "./repository.ts";

const sub = "/subscriptions/0C9D8E7F-6A5B-4C4D-9E3F-2A1B0C9D8E7F";
const by = { oid: "admin-oid", name: "Alex Admin" };

function assignment(overrides: Partial<NewRoleAssignment> = {}): NewRoleAssignment {
  return { principalType: "user", principalId: "User-1", principalName: "User One", role: "Requester", scope: `${sub}/resourceGroups/RG-Web`, createdBy: by, ...overrides };
}

describe.each(testEngines)("role assignments on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let repository: RoleAssignmentRepository;

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    await migrateToLatest(database);
    repository = createRoleAssignmentRepository(database.kysely);
  });
  afterAll(async () => {
    await cleanup();
  });

  it("stores an assignment with its scope and principal id lower-cased", async () => {
    const created = await repository.create(assignment());
    expect(created).toMatchObject({
      principalType: "user",
      principalId: "user-1",
      principalName: "User One",
      role: "Requester",
      scope: `${sub.toLowerCase()}/resourcegroups/rg-web`,
      createdBy: "Alex Admin",
    });
    expect(created?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(created?.createdAt ?? "")).not.toBeNaN();
    expect(await repository.count()).toBe(1);
  });

  it("refuses the same principal, role and scope again, whatever the letter case", async () => {
    expect(await repository.create(assignment({ principalId: "USER-1", scope: `${sub.toLowerCase()}/resourcegroups/RG-WEB` }))).toBeUndefined();
    expect(await repository.create(assignment({ role: "Approver" }))).toBeDefined();
    expect(await repository.count()).toBe(2);
  });

  it("finds a principal's assignments by oid and by group id", async () => {
    await repository.create(assignment({ principalType: "group", principalId: "GRP-Dev", scope: sub }));
    await repository.create(assignment({ principalType: "group", principalId: "grp-ops", scope: sub }));
    await repository.create(assignment({ principalId: "user-2", scope: sub }));
    const mine = await repository.listForPrincipal("USER-1", ["grp-dev"]);
    expect(mine.map((a) => [a.principalType, a.principalId, a.role])).toEqual([
      ["group", "grp-dev", "Requester"],
      ["user", "user-1", "Approver"],
      ["user", "user-1", "Requester"],
    ]);
    expect(await repository.listForPrincipal("user-1", [])).toHaveLength(2);
    expect(await repository.list()).toHaveLength(5);
  });

  it("deletes by id, once", async () => {
    const [first] = await repository.list();
    expect(await repository.delete(first?.id ?? "")).toBe(true);
    expect(await repository.delete(first?.id ?? "")).toBe(false);
    expect(await repository.count()).toBe(4);
  });

  it("keeps the table's own guards: no upper-case scope, no unknown role", async () => {
    const insert = (values: Record<string, string>) =>
      sql`insert into role_assignment (id, principal_type, principal_id, principal_name, role, scope, created_by_oid, created_by_name)
          values (${values["id"]}, 'user', 'u', 'U', ${values["role"]}, ${values["scope"]}, 'o', 'n')`.execute(database.kysely);
    await expect(insert({ id: "00000000-0000-4000-8000-000000000001", role: "Requester", scope: "/Subscriptions/x" })).rejects.toThrow();
    await expect(insert({ id: "00000000-0000-4000-8000-000000000002", role: "Owner", scope: "/" })).rejects.toThrow();
  });
});
