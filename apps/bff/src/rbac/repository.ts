import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { PrincipalType, Role, RoleAssignment } from "@portcullis/contract";
import type { DatabaseSchema, RoleAssignmentTable } from "../lib/db/schema.ts";
import { normalizeScope } from "../lib/auth/scope.ts";

export interface NewRoleAssignment {
  principalType: PrincipalType;
  principalId: string;
  principalName: string;
  role: Role;
  scope: string;
  createdBy: { oid: string; name: string };
}

/** Scoped role assignments. Scopes and principal ids are stored lower-cased. */
export interface RoleAssignmentRepository {
  /** Every assignment, by scope, role and principal name. */
  list(): Promise<RoleAssignment[]>;
  /** Assignments of the user (by oid) or of any of the groups. */
  listForPrincipal(oid: string, groups: readonly string[]): Promise<RoleAssignment[]>;
  /** The stored assignment, or undefined when the principal already holds that role at that scope. */
  create(input: NewRoleAssignment): Promise<RoleAssignment | undefined>;
  /** False when no assignment has that id. */
  delete(id: string): Promise<boolean>;
  /** Deletes the assignment and returns it as it was; undefined when no assignment has that id. */
  remove(id: string): Promise<RoleAssignment | undefined>;
  count(): Promise<number>;
}

function toContract(row: Selectable<RoleAssignmentTable>): RoleAssignment {
  return {
    id: row.id,
    principalType: row.principal_type,
    principalId: row.principal_id,
    principalName: row.principal_name,
    role: row.role,
    scope: row.scope,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by_name,
  };
}

export function createRoleAssignmentRepository(db: Kysely<DatabaseSchema>): RoleAssignmentRepository {
  return {
    async list() {
      const rows = await db.selectFrom("role_assignment").selectAll().orderBy("scope").orderBy("role").orderBy("principal_name").orderBy("id").execute();
      return rows.map(toContract);
    },
    async listForPrincipal(oid, groups) {
      const lowerGroups = groups.map((g) => g.toLowerCase());
      const rows = await db
        .selectFrom("role_assignment")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb("principal_type", "=", "user"), eb("principal_id", "=", oid.toLowerCase())]),
            ...(lowerGroups.length === 0 ? [] : [eb.and([eb("principal_type", "=", "group"), eb("principal_id", "in", lowerGroups)])]),
          ]),
        )
        .orderBy("scope")
        .orderBy("role")
        .execute();
      return rows.map(toContract);
    },
    async create(input) {
      const row = await db
        .insertInto("role_assignment")
        .values({
          id: randomUUID(),
          principal_type: input.principalType,
          principal_id: input.principalId.toLowerCase(),
          principal_name: input.principalName,
          role: input.role,
          scope: normalizeScope(input.scope),
          created_by_oid: input.createdBy.oid,
          created_by_name: input.createdBy.name,
        })
        .onConflict((oc) => oc.constraint("role_assignment_unique").doNothing())
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toContract(row);
    },
    async delete(id) {
      const result = await db.deleteFrom("role_assignment").where("id", "=", id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async remove(id) {
      const row = await db.deleteFrom("role_assignment").where("id", "=", id).returningAll().executeTakeFirst();
      return row === undefined ? undefined : toContract(row);
    },
    async count() {
      const { n } = await db.selectFrom("role_assignment").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
      return Number(n);
    },
  };
}
