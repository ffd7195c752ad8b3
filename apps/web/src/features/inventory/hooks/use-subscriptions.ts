import { useQuery } from "@tanstack/react-query";
import type { ListVmsQuery } from "@portcullis/contract";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { vmsQueryOptions } from "../api/get-vms.ts";

// The smallest page of the VM list: only its facets (the estate's subscriptions) are wanted.
const facetsOnly: ListVmsQuery = { tab: "configured", sort: "name", order: "asc", page: 1, pageSize: 1 };

const none: ReadonlyArray<{ id: string; name: string }> = [];

/** The estate's subscriptions as the inventory knows them (empty until loaded, or if it cannot be read). */
export function useSubscriptions(): ReadonlyArray<{ id: string; name: string }> {
  const query = useQuery(vmsQueryOptions(facetsOnly, useApiClient()));
  return query.data?.facets.subscriptions ?? none;
}
