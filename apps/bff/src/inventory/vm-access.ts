import { tenantScope } from "@portcullis/contract";
import type { Access } from "../lib/auth/access.ts";
import { subscriptionScope } from "../lib/auth/scope.ts";
import type { VmAccess } from "./inventory-view.ts";

/** The inventory's view of a caller's access: `jit.vm.read` decides what is listed. */
export function vmAccessFor(access: Access): VmAccess {
  const readsAll = access.has("jit.vm.read", tenantScope);
  const tenantWide = access.assignments.length === 0 ? access.tenantPermissions : undefined;
  return {
    readsAll,
    canRead: (vm) => readsAll || access.has("jit.vm.read", vm.id),
    canReadSubscription: (id) => readsAll || access.has("jit.vm.read", subscriptionScope(id)),
    // Without scoped assignments every VM gets the tenant permissions; no per-row scope walk needed.
    permissionsOn: (vm) => (tenantWide !== undefined ? [...tenantWide] : access.permissionsAt(vm.id)),
  };
}
