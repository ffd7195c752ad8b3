import { Chip, Table, TableBody, TableCell, TableHead, TableRow } from "@mui/material";
import type { PortChange } from "../utils/policy-change.ts";

const changeChip: Record<PortChange["change"], { label: string; color: "success" | "error" | "warning" | "default" }> = {
  added: { label: "Added", color: "success" },
  removed: { label: "Removed", color: "error" },
  changed: { label: "Changed", color: "warning" },
  unchanged: { label: "Unchanged", color: "default" },
};

const none = "—";

/** What a policy event changed, port by port: before and after in words, the changed side in bold. */
export function PolicyChangeTable({ changes }: { changes: readonly PortChange[] }) {
  return (
    <Table size="small" aria-label="Policy change" sx={{ "& td, & th": { px: 1, verticalAlign: "top" } }}>
      <TableHead>
        <TableRow>
          <TableCell>Port</TableCell>
          <TableCell>Before</TableCell>
          <TableCell>After</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {changes.map((change) => (
          <TableRow key={change.port}>
            <TableCell sx={{ whiteSpace: "nowrap" }}>
              {change.port}
              <Chip size="small" variant="outlined" color={changeChip[change.change].color} label={changeChip[change.change].label} sx={{ display: "flex", width: "fit-content", mt: 0.5 }} />
            </TableCell>
            <TableCell sx={{ color: change.change === "changed" ? "text.secondary" : undefined }}>{change.before ?? none}</TableCell>
            <TableCell sx={{ fontWeight: change.change === "changed" || change.change === "added" ? 600 : undefined }}>{change.after ?? none}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
