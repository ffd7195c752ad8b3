import { useMatches } from "react-router";
import { isRouteHandle } from "../route-handle.ts";

/** The title of the deepest matched route that names one. */
export function usePageTitle(): string | undefined {
  const matches = useMatches();
  for (let index = matches.length - 1; index >= 0; index -= 1) {
    const handle = matches[index]?.handle;
    if (isRouteHandle(handle)) return handle.title;
  }
  return undefined;
}
