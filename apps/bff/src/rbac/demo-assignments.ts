import { demoUsers } from "@portcullis/local-issuer";
import type { Logger } from "../lib/logger.ts";
import type { NewRoleAssignment, RoleAssignmentRepository } from "./repository.ts";

/** Subscription ids of the emulator's demo estate (apps/azure-emulator/src/seed/demo-network.ts). */
export const demoEstate = {
  contosoDev: "0c9d8e7f-6a5b-4c4d-9e3f-2a1b0c9d8e7f",
  contosoProd: "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  /** The production web tier: four Recommended VMs, three of them reachable on port 22 from the Internet. */
  prodWebResourceGroup: "rg-web-prod",
} as const;

function demoUser(username: string): { oid: string; name: string } {
  const user = demoUsers.find((u) => u.username === username);
  if (user === undefined) throw new Error(`no demo user ${username}`);
  return user;
}

/** dev@contoso.test requests access in the whole dev subscription and in the production web tier. */
export function demoAssignments(): NewRoleAssignment[] {
  const dev = demoUser("dev@contoso.test");
  const createdBy = { oid: "portcullis", name: "Portcullis (demo data)" };
  const base = { principalType: "user" as const, principalId: dev.oid, principalName: "Dana Developer (dev@contoso.test)", role: "Requester" as const, createdBy };
  return [
    { ...base, scope: `/subscriptions/${demoEstate.contosoDev}` },
    { ...base, scope: `/subscriptions/${demoEstate.contosoProd}/resourceGroups/${demoEstate.prodWebResourceGroup}` },
  ];
}

/** Local mode only: stores the demo assignments when no assignment exists at all (a fresh data directory). */
export async function seedDemoAssignments(repository: RoleAssignmentRepository, logger: Logger): Promise<void> {
  if ((await repository.count()) > 0) return;
  const assignments = demoAssignments();
  for (const assignment of assignments) await repository.create(assignment);
  logger.info({ assignments: assignments.length }, "demo role assignments stored");
}
