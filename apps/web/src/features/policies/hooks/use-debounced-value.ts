import { useEffect, useLayoutEffect, useRef, useState } from "react";

function jsonOf(value: unknown): string {
  return JSON.stringify(value) ?? "undefined";
}

/**
 * `value` once it has stopped changing for `delayMs`. Values are compared by their JSON, so a form that
 * builds a new object on every render does not restart the wait.
 */
export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState<{ json: string; value: T }>(() => ({ json: jsonOf(value), value }));
  const latest = useRef(value);
  useLayoutEffect(() => {
    latest.current = value;
  });
  const json = jsonOf(value);
  useEffect(() => {
    if (json === settled.json) return;
    const timer = setTimeout(() => setSettled({ json, value: latest.current }), delayMs);
    return () => clearTimeout(timer);
  }, [json, settled.json, delayMs]);
  return settled.value;
}
