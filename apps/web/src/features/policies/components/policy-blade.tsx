import { useState } from "react";
import { Alert, Button, Skeleton, Stack } from "@mui/material";
import type { PutPoliciesResponse, VmRow } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { usePolicies } from "../api/get-policies.ts";
import { useVmPolicy } from "../api/get-vm-policy.ts";
import { policyDifferences } from "../utils/policy-differences.ts";
import { defaultForm, formFromPolicy } from "../utils/policy-form.ts";
import { Blade, BladeBody, BladeFooter } from "../../../components/blade.tsx";
import { PolicyEditor } from "./policy-editor.tsx";

export type BladeVm = Pick<VmRow, "id" | "name" | "osType">;

/** Enable: new rules for VMs without JIT. Edit: the first VM's rules, applied to all of them (differences named first). */
export type PolicyBladeTarget = { mode: "enable" | "edit"; vms: readonly BladeVm[] };

type PolicyBladeProps = {
  /** The blade is open while set. */
  target: PolicyBladeTarget | undefined;
  onClose: () => void;
  onSaved?: (result: PutPoliciesResponse) => void;
};

export function policyBladeTitle(target: PolicyBladeTarget): string {
  const count = target.vms.length;
  return `${target.mode === "enable" ? "Enable" : "Edit"} JIT on ${count} VM${count === 1 ? "" : "s"}`;
}

function vmList(vms: readonly BladeVm[]): string {
  const shown = vms.slice(0, 6).map((vm) => vm.name);
  const more = vms.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/** The Enable / Edit JIT blade. */
export function PolicyBlade({ target, onClose, onSaved }: PolicyBladeProps) {
  // Keeps the content while the blade slides out after `target` is cleared.
  const [shown, setShown] = useState(target);
  if (target !== undefined && target !== shown) setShown(target);
  const current = target ?? shown;
  const handleSaved = (result: PutPoliciesResponse) => onSaved?.(result);

  return (
    <Blade
      open={target !== undefined}
      id="policy-blade"
      title={current ? policyBladeTitle(current) : ""}
      subtitle={current ? vmList(current.vms) : undefined}
      onClose={onClose}
    >
      {current === undefined ? null : current.mode === "enable" ? (
        <PolicyEditor
          key={current.vms.map((vm) => vm.id).join("|")}
          verb="enable"
          vmIds={current.vms.map((vm) => vm.id)}
          initialForm={defaultForm(current.vms)}
          onCancel={onClose}
          onSaved={handleSaved}
        />
      ) : (
        <EditPolicy key={current.vms.map((vm) => vm.id).join("|")} vms={current.vms} onClose={onClose} onSaved={handleSaved} />
      )}
    </Blade>
  );
}

/** Edit starts from the first VM's stored rules, approval and break-glass; every VM's version guards against a concurrent change. */
function EditPolicy({ vms, onClose, onSaved }: { vms: readonly BladeVm[]; onClose: () => void; onSaved: (result: PutPoliciesResponse) => void }) {
  const first = vms[0];
  const policy = useVmPolicy(first?.id);
  const list = usePolicies();

  if (policy.isPending) {
    return (
      <BladeBody>
        <Stack spacing={1.5} aria-busy="true" aria-label="Loading the JIT policy">
          <Skeleton variant="rectangular" height={120} />
          <Skeleton variant="rectangular" height={120} />
        </Stack>
      </BladeBody>
    );
  }
  if (policy.isError || policy.data === null) {
    return (
      <>
        <BladeBody>
          {policy.isError ? (
            <ErrorAlert error={policy.error} title="The JIT policy could not be loaded" onRetry={() => void policy.refetch()} retrying={policy.isFetching} />
          ) : (
            <Alert severity="warning">{first?.name} has no JIT policy any more; it may have been removed by someone else.</Alert>
          )}
        </BladeBody>
        <BladeFooter>
          <Button onClick={onClose}>Close</Button>
        </BladeFooter>
      </>
    );
  }

  const stored = policy.data;
  const expectedVersions: Record<string, number> = { [stored.vmId.toLowerCase()]: stored.version };
  const others = vms.slice(1).flatMap((vm) => {
    const other = list.data?.get(vm.id.toLowerCase());
    return other === undefined ? [] : [other];
  });
  for (const other of others) expectedVersions[other.vmId.toLowerCase()] = other.version;
  if (vms.length > 1 && list.isError) {
    // Without the others' rules the blade cannot say what Save would change on them: it does not offer Save.
    return (
      <>
        <BladeBody>
          <ErrorAlert error={list.error} title="The other VMs' JIT policies could not be loaded" onRetry={() => void list.refetch()} retrying={list.isFetching} />
        </BladeBody>
        <BladeFooter>
          <Button onClick={onClose}>Close</Button>
        </BladeFooter>
      </>
    );
  }
  if (vms.length > 1 && list.isPending) {
    return (
      <BladeBody>
        <Skeleton variant="rectangular" height={120} aria-label="Loading the other VMs' JIT policies" />
      </BladeBody>
    );
  }

  return (
    <PolicyEditor
      verb="edit"
      vmIds={vms.map((vm) => vm.id)}
      initialForm={formFromPolicy(stored)}
      expectedVersions={expectedVersions}
      differences={policyDifferences(stored, others)}
      onCancel={onClose}
      onSaved={onSaved}
    />
  );
}
