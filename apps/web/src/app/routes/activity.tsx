import { ActivityView } from "../../features/activity/components/activity-view.tsx";
import { useCurrentUser } from "../../lib/auth/current-user.tsx";
import { canSomewhere } from "../../lib/permissions.ts";

/** Auditors and Admins read the log of their scopes; Requesters (without jit.activity.read) their own events. */
export function ActivityRoute() {
  const me = useCurrentUser();
  return <ActivityView ownEventsOnly={!canSomewhere(me, "jit.activity.read")} />;
}
