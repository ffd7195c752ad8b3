import type { VmRow } from "@portcullis/contract";
import type { RequestTarget } from "../hooks/request-access.tsx";

/** What the Request access blade needs from an inventory row. */
export function requestTargetOf(vm: Pick<VmRow, "id" | "name" | "nsgs">): RequestTarget {
  return { id: vm.id, name: vm.name, nsgNames: [...new Set(vm.nsgs.map((nsg) => nsg.name))] };
}
