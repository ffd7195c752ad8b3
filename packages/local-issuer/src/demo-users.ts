import { createHash, timingSafeEqual } from "node:crypto";
import type { DemoUser } from "./types.ts";

/** One documented password for every demo user (local issuer only; never used with Entra ID). */
export const demoPassword = "Portcullis!demo1";

/** Fixed object ids so audit rows and role assignments stay stable across restarts. */
export const demoUsers: DemoUser[] = [
  { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01", username: "admin@contoso.test", name: "Alex Admin", roles: ["Jit.Admin"], groups: ["grp-platform-admins"] },
  // Requester rights are scoped and stored by the BFF, so the tenant-wide role list stays empty. Dana is on call, so a
  // policy's automatic approval rule for the on-call group can be tried locally (Alex, not on call, waits instead).
  { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e02", username: "dev@contoso.test", name: "Dana Developer", roles: [], groups: ["grp-developers", "grp-on-call"] },
  { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e03", username: "approver@contoso.test", name: "Avery Approver", roles: ["Jit.Approver"], groups: ["grp-team-leads"] },
  { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e04", username: "auditor@contoso.test", name: "Aubrey Auditor", roles: ["Jit.Auditor"], groups: ["grp-security-audit"] },
  { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e05", username: "reader@contoso.test", name: "Riley Reader", roles: [], groups: [] },
  // A second approver, so policies that need two approvals (N of M) can be tried locally.
  { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e06", username: "approver2@contoso.test", name: "Blake Approver", roles: ["Jit.Approver"], groups: ["grp-team-leads"] },
];

export interface UserDirectory {
  byOid(oid: string): DemoUser | undefined;
  /** The user when username (case-insensitive) and password match, else undefined. */
  authenticate(username: string, password: string): DemoUser | undefined;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

export function createUserDirectory(users: DemoUser[], password: string = demoPassword): UserDirectory {
  const byOid = new Map(users.map((user) => [user.oid, user]));
  const byUsername = new Map(users.map((user) => [user.username.toLowerCase(), user]));
  if (byOid.size !== users.length || byUsername.size !== users.length) {
    throw new Error("demo users must have unique oid and username values");
  }
  const expected = digest(password);
  return {
    byOid: (oid) => byOid.get(oid),
    authenticate(username, candidate) {
      const user = byUsername.get(username.trim().toLowerCase());
      // Compare digests in constant time, and do it even for unknown users so timing does not reveal who exists.
      const passwordMatches = timingSafeEqual(digest(candidate), expected);
      return user && passwordMatches ? user : undefined;
    },
  };
}

/** A stable GUID-shaped id derived from a name (used for service principals, which have no configured oid). */
export function deterministicGuid(namespace: string, name: string): string {
  const bytes = createHash("sha256").update(`${namespace}\u0000${name}`, "utf8").digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
