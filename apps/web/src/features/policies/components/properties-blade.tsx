import { useState, type ReactNode } from "react";
import { Button, Chip, Skeleton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { nameFromArmId, type VmPropertiesResponse, type VmRow } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useVmProperties } from "../api/get-vm-properties.ts";
import { describePolicyPort } from "../../../lib/policy-port-text.ts";
import { ruleProtocolLabel } from "../utils/describe-policy.ts";
import { Blade, BladeBody, BladeFooter } from "../../../components/blade.tsx";

type PropertiesBladeProps = {
  /** The blade is open while set. */
  vm: VmRow | undefined;
  onClose: () => void;
  /** More buttons for the footer (another feature's, e.g. Request access), given the VM's row. */
  actions?: (vm: VmRow) => ReactNode;
};

type NsgView = VmPropertiesResponse["nsgs"][number];

function nameOf(id: string | null, nsgs: readonly NsgView[]): string {
  if (id === null) return "None";
  return nsgs.find((nsg) => nsg.id.toLowerCase() === id.toLowerCase())?.name ?? nameFromArmId(id);
}

function joinOr(values: readonly string[]): string {
  return values.length > 0 ? values.join(", ") : "*";
}

function Heading({ children }: { children: string }) {
  return (
    <Typography variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
      {children}
    </Typography>
  );
}

function NsgRules({ nsg }: { nsg: NsgView }) {
  // As ARM evaluates them: inbound first, lowest priority number first.
  const rules = [...nsg.rules].sort((a, b) => a.direction.localeCompare(b.direction) || a.priority - b.priority);
  return (
    <Stack component="section" aria-label={`Rules of ${nsg.name}`} spacing={0.5}>
      <Typography variant="subtitle1" component="h4" sx={{ fontWeight: 600 }} title={nsg.id}>
        {nsg.name} <Chip size="small" variant="outlined" label={nsg.attachment === "nic" ? "on the NIC" : "on the subnet"} />
      </Typography>
      {rules.length === 0 ? (
        <Typography variant="body2" sx={{ color: "text.secondary" }}>
          No custom rules (only Azure's default rules).
        </Typography>
      ) : (
        <Table size="small" aria-label={`Security rules of ${nsg.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>Priority</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>Direction</TableCell>
              <TableCell>Access</TableCell>
              <TableCell>Ports</TableCell>
              <TableCell>Source</TableCell>
              <TableCell>Destination</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rules.map((rule) => (
              <TableRow key={`${rule.direction}/${rule.name}`}>
                <TableCell>{rule.priority}</TableCell>
                <TableCell sx={{ wordBreak: "break-all" }} title={rule.description}>
                  {rule.name} {rule.jit ? <Chip size="small" color="primary" label="JIT" /> : null}
                </TableCell>
                <TableCell>{rule.direction}</TableCell>
                <TableCell>{rule.access}</TableCell>
                <TableCell sx={{ whiteSpace: "nowrap" }}>
                  {joinOr(rule.ports)} {ruleProtocolLabel(rule.protocol)}
                </TableCell>
                <TableCell>{joinOr(rule.sources)}</TableCell>
                <TableCell>{joinOr(rule.destinations)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Stack>
  );
}

function PropertiesContent({ data }: { data: VmPropertiesResponse }) {
  const { vm, nics, nsgs, policy } = data;
  return (
    <Stack spacing={3}>
      <Stack spacing={0.5}>
        <Heading>Virtual machine</Heading>
        <Typography variant="body2">
          {vm.osType ?? "Unknown OS"} · {vm.location} · resource group {vm.resourceGroup} · subscription {vm.subscriptionId}
        </Typography>
      </Stack>
      <Stack spacing={0.5}>
        <Heading>JIT policy</Heading>
        {policy ? (
          <Stack component="ul" sx={{ m: 0, pl: 2.5 }}>
            {policy.ports.map((port) => (
              <Typography component="li" variant="body2" key={`${port.port}/${port.protocol}`}>
                {describePolicyPort(port)}
              </Typography>
            ))}
          </Stack>
        ) : (
          <Typography variant="body2" sx={{ color: "text.secondary" }}>
            No JIT policy.
          </Typography>
        )}
      </Stack>
      <Stack spacing={0.5}>
        <Heading>Network interfaces</Heading>
        <Table size="small" aria-label="Network interfaces">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Private IPs</TableCell>
              <TableCell>NSG on the NIC</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {nics.map((nic) => (
              <TableRow key={nic.id}>
                <TableCell title={nic.id}>{nic.name}</TableCell>
                <TableCell>{nic.privateIps.join(", ") || "None"}</TableCell>
                <TableCell>{nameOf(nic.nsgId, nsgs)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Stack>
      <Stack spacing={2}>
        <Heading>Network security groups</Heading>
        {nsgs.length === 0 ? (
          <Typography variant="body2" sx={{ color: "text.secondary" }}>
            No network security group decides traffic to this VM.
          </Typography>
        ) : (
          nsgs.map((nsg) => <NsgRules key={nsg.id} nsg={nsg} />)
        )}
      </Stack>
    </Stack>
  );
}

/** A VM's NICs, IPs and NSGs with their rules as they are in Azure now; JIT rules are marked. */
export function PropertiesBlade({ vm, onClose, actions }: PropertiesBladeProps) {
  const [shown, setShown] = useState(vm);
  if (vm !== undefined && vm !== shown) setShown(vm);
  const current = vm ?? shown;
  const properties = useVmProperties(current?.id);

  return (
    <Blade open={vm !== undefined} id="properties-blade" title={current ? `Properties of ${current.name}` : ""} onClose={onClose} width={880}>
      <BladeBody>
        {properties.isPending ? (
          <Stack spacing={1.5} aria-busy="true" aria-label="Loading properties">
            <Skeleton variant="text" width="60%" />
            <Skeleton variant="rectangular" height={80} />
            <Skeleton variant="rectangular" height={160} />
          </Stack>
        ) : properties.isError ? (
          <ErrorAlert error={properties.error} title="The VM's properties could not be read" onRetry={() => void properties.refetch()} retrying={properties.isFetching} />
        ) : (
          <PropertiesContent data={properties.data} />
        )}
      </BladeBody>
      <BladeFooter>
        <Stack direction="row" spacing={1}>
          {current && actions ? actions(current) : null}
          <Button onClick={onClose}>Close</Button>
        </Stack>
      </BladeFooter>
    </Blade>
  );
}
