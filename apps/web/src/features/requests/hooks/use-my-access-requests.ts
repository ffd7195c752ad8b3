import { useEffect, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useMyAccessRequestsQuery } from "../api/get-my-access-requests.ts";
import { requestKeys } from "../api/request-keys.ts";
import { openedSince, pendingIds } from "../utils/my-requests.ts";
import { useOnGrantsChanged } from "./grants-changed.tsx";

/**
 * The caller's access requests, read every few seconds while one waits. When an approval opens one, the grants
 * lists are read again at once, so its grant appears without waiting for their slower refresh.
 */
export function useMyAccessRequests() {
  const query = useMyAccessRequestsQuery();
  const queryClient = useQueryClient();
  const onGrantsChanged = useOnGrantsChanged();
  const waiting = useRef<ReadonlySet<string>>(new Set());
  const items = query.data?.items;

  useEffect(() => {
    if (!items) return;
    const opened = openedSince(waiting.current, items);
    waiting.current = pendingIds(items);
    if (opened.length > 0) void Promise.all([queryClient.invalidateQueries({ queryKey: requestKeys.grants() }), onGrantsChanged()]);
  }, [items, queryClient, onGrantsChanged]);

  return query;
}
