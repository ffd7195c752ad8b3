import { useCallback, useEffect, useLayoutEffect, useRef } from "react";

/**
 * A stable function that calls `callback` once calls have paused for `delayMs`.
 * Runs from event handlers (not an effect syncing state), so dependent state changes
 * (filter + page reset) happen together in one update.
 */
export function useDebouncedCallback<Args extends unknown[]>(
  callback: (...args: Args) => void,
  delayMs: number,
): (...args: Args) => void {
  const latest = useRef(callback);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useLayoutEffect(() => {
    latest.current = callback;
  });

  useEffect(() => () => clearTimeout(timer.current), []);

  return useCallback(
    (...args: Args) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => latest.current(...args), delayMs);
    },
    [delayMs],
  );
}
