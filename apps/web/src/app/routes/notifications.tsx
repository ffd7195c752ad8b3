import { NotificationsView } from "../../features/notifications/components/notifications-view.tsx";

/** Notification subscriptions and the delivery log. */
export function NotificationsRoute() {
  return <NotificationsView />;
}
