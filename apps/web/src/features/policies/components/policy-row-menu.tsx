import { useState, type ReactNode } from "react";
import { IconButton, ListItemIcon, ListItemText, Menu, MenuItem } from "@mui/material";
import MoreHorizIcon from "@mui/icons-material/MoreHoriz";
import EditIcon from "@mui/icons-material/EditOutlined";
import InfoIcon from "@mui/icons-material/InfoOutlined";
import HistoryIcon from "@mui/icons-material/History";
import DownloadIcon from "@mui/icons-material/FileDownloadOutlined";
import DeleteIcon from "@mui/icons-material/DeleteOutlineOutlined";
import { useNavigate } from "react-router";
import type { VmRow } from "@portcullis/contract";
import { canOnVm } from "../../../lib/permissions.ts";
import { usePolicyActions } from "../hooks/policy-actions.tsx";

/** One entry of the menu; another feature may add its own (Request access) through `leadingItems`. */
export type RowMenuItem = { label: string; icon: ReactNode; run: () => void };

/** The `...` menu of a Configured VM, offering only what the user may do on that VM. */
export function PolicyRowMenu({ vm, leadingItems = [] }: { vm: VmRow; leadingItems?: readonly RowMenuItem[] }) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const actions = usePolicyActions();
  const navigate = useNavigate();
  const mayWrite = canOnVm(vm, "jit.policy.write");
  const menuId = `policy-menu-${vm.name}`;

  const items: RowMenuItem[] = [
    ...leadingItems,
    ...(mayWrite ? [{ label: "Edit", icon: <EditIcon fontSize="small" />, run: () => actions.edit([vm]) }] : []),
    { label: "Properties", icon: <InfoIcon fontSize="small" />, run: () => actions.showProperties(vm) },
    ...(canOnVm(vm, "jit.activity.read")
      ? [{ label: "Activity log", icon: <HistoryIcon fontSize="small" />, run: () => void navigate(`/activity?${new URLSearchParams({ vmId: vm.id }).toString()}`) }]
      : []),
    ...(mayWrite
      ? [
          { label: "Export policy", icon: <DownloadIcon fontSize="small" />, run: () => actions.exportPolicies(vm) },
          { label: "Remove", icon: <DeleteIcon fontSize="small" />, run: () => actions.remove(vm) },
        ]
      : []),
  ];

  return (
    <>
      <IconButton
        size="small"
        aria-label={`Actions for ${vm.name}`}
        aria-haspopup="menu"
        aria-controls={anchor ? menuId : undefined}
        aria-expanded={anchor ? "true" : undefined}
        onClick={(event) => setAnchor(event.currentTarget)}
      >
        <MoreHorizIcon fontSize="small" />
      </IconButton>
      <Menu id={menuId} anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {items.map((item) => (
          <MenuItem
            key={item.label}
            onClick={() => {
              setAnchor(null);
              item.run();
            }}
          >
            <ListItemIcon>{item.icon}</ListItemIcon>
            <ListItemText>{item.label}</ListItemText>
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
