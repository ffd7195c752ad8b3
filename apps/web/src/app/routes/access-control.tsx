import { useMemo } from "react";
import { AccessControlView } from "../../features/access-control/components/access-control-view.tsx";
import { subscriptionNamesFrom } from "../../features/access-control/utils/scope-label.ts";
import { useSubscriptions } from "../../features/inventory/hooks/use-subscriptions.ts";

/** Composes two features: the inventory knows the subscriptions' names, access control shows scopes with them. */
export function AccessControlRoute() {
  const subscriptions = useSubscriptions();
  const names = useMemo(() => subscriptionNamesFrom(subscriptions), [subscriptions]);
  return <AccessControlView subscriptionNames={names} />;
}
