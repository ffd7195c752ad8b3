/** What a route tells the shell about itself (react-router's `handle`). */
export type RouteHandle = { title: string };

export function isRouteHandle(handle: unknown): handle is RouteHandle {
  return typeof handle === "object" && handle !== null && typeof (handle as { title?: unknown }).title === "string";
}
