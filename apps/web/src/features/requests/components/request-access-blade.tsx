import { useState, type ReactNode } from "react";
import { Alert, Button, Skeleton, Stack } from "@mui/material";
import { Blade, BladeBody, BladeFooter } from "../../../components/blade.tsx";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useMyIp } from "../api/get-my-ip.ts";
import { useRequestPolicy } from "../api/get-request-policy.ts";
import type { RequestTarget } from "../hooks/request-access.tsx";
import { RequestAccessForm } from "./request-access-form.tsx";

type RequestAccessBladeProps = {
  /** The blade is open while set; `serial` changes on every opening, so each one starts from a fresh form. */
  target: { vm: RequestTarget; serial: number } | undefined;
  onClose: () => void;
};

function Closing({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  return (
    <>
      <BladeBody>{children}</BladeBody>
      <BladeFooter>
        <Button onClick={onClose}>Close</Button>
      </BladeFooter>
    </>
  );
}

function RequestAccessContent({ vm, onClose }: { vm: RequestTarget; onClose: () => void }) {
  const policy = useRequestPolicy(vm.id);
  const myIp = useMyIp();

  if (policy.isPending || myIp.isPending) {
    return (
      <BladeBody>
        <Stack spacing={1.5} aria-busy="true" aria-label="Loading the VM's JIT policy">
          <Skeleton variant="rectangular" height={96} />
          <Skeleton variant="rectangular" height={72} />
          <Skeleton variant="rectangular" height={56} />
        </Stack>
      </BladeBody>
    );
  }
  if (policy.isError) {
    return (
      <Closing onClose={onClose}>
        <ErrorAlert error={policy.error} title="The VM's JIT policy could not be read" onRetry={() => void policy.refetch()} retrying={policy.isFetching} />
      </Closing>
    );
  }
  if (policy.data === null) {
    return (
      <Closing onClose={onClose}>
        <Alert severity="warning">{vm.name} has no JIT policy any more; an administrator may have removed it.</Alert>
      </Closing>
    );
  }
  // Without a detected address the requester names a range instead.
  return <RequestAccessForm vm={vm} policy={policy.data} myIp={myIp.isError ? null : myIp.data.ip} onClose={onClose} />;
}

/** The Request access blade: pick ports, source, time and justification, then Open ports. */
export function RequestAccessBlade({ target, onClose }: RequestAccessBladeProps) {
  // Keeps the content while the blade slides out after `target` is cleared.
  const [shown, setShown] = useState(target);
  if (target !== undefined && target !== shown) setShown(target);
  const current = target ?? shown;

  return (
    <Blade open={target !== undefined} id="request-access-blade" title={current ? `Request access to ${current.vm.name}` : ""} onClose={onClose} width={640}>
      {current ? <RequestAccessContent key={current.serial} vm={current.vm} onClose={onClose} /> : null}
    </Blade>
  );
}
