/** Every role-assignment query key starts with `roleAssignmentKeys.all`, so one invalidation reaches them all. */
export const roleAssignmentKeys = {
  all: ["role-assignments"] as const,
  list: () => [...roleAssignmentKeys.all, "list"] as const,
};
