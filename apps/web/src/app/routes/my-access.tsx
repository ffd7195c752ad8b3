import { useQueryClient } from "@tanstack/react-query";
import { inventoryKeys } from "../../features/inventory/api/inventory-keys.ts";
import { policyKeys } from "../../features/policies/api/policy-keys.ts";
import { MyAccessView } from "../../features/requests/components/my-access-view.tsx";
import { GrantsChangedProvider } from "../../features/requests/hooks/grants-changed.tsx";

/** The signed-in user's grants. A revoke or extension changes NSG rules the JIT page shows, so those are read again. */
export function MyAccessRoute() {
  const queryClient = useQueryClient();
  return (
    <GrantsChangedProvider
      onChanged={() =>
        Promise.all([queryClient.invalidateQueries({ queryKey: inventoryKeys.all }), queryClient.invalidateQueries({ queryKey: policyKeys.all })])
      }
    >
      <MyAccessView />
    </GrantsChangedProvider>
  );
}
