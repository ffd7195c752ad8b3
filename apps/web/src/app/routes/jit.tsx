import { InventoryView } from "../../features/inventory/components/inventory-view.tsx";

export function JitRoute() {
  return <InventoryView />;
}
