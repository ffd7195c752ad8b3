import { Box, Chip, Skeleton, Typography } from "@mui/material";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { usePolicies } from "../api/get-policies.ts";
import { describePolicyPort } from "../../../lib/policy-port-text.ts";

/** The Configured tab's "Ports" cell: the VM's policy rules, joined from one list of all policies, and an "Approval" chip where requests wait for it. */
export function PolicyPortsCell({ vmId }: { vmId: string }) {
  const policies = usePolicies();
  if (policies.isPending) return <Skeleton variant="text" width={160} aria-label="Loading ports" />;
  if (policies.isError) {
    return (
      <Typography variant="body2" sx={{ color: "text.secondary" }}>
        Unavailable
      </Typography>
    );
  }
  const policy = policies.data.get(vmId.toLowerCase());
  // Not in the list read before: wait for the newer list before saying so.
  if (!policy && policies.isFetching) return <Skeleton variant="text" width={160} aria-label="Loading ports" />;
  if (!policy) {
    return (
      <Typography variant="body2" sx={{ color: "text.secondary" }}>
        No policy found
      </Typography>
    );
  }
  return (
    <Box>
      {policy.ports.map((port) => (
        <Typography key={`${port.port}/${port.protocol}`} variant="body2" sx={{ whiteSpace: "nowrap" }}>
          {describePolicyPort(port)}
        </Typography>
      ))}
      {policy.approval ? (
        <Chip
          size="small"
          variant="outlined"
          color="info"
          label="Approval"
          title={`${policy.approval.requiredApprovals} approval${policy.approval.requiredApprovals === 1 ? "" : "s"} needed`}
          sx={{ mt: 0.5 }}
        />
      ) : null}
    </Box>
  );
}

/** Above the Configured table when the policies cannot be read: says so once, with Retry, instead of in every row. */
export function PoliciesLoadAlert() {
  const policies = usePolicies();
  if (!policies.isError) return null;
  return (
    <Box sx={{ px: 2, pb: 2 }}>
      <ErrorAlert
        error={policies.error}
        title="The JIT policies could not be loaded"
        onRetry={() => void policies.refetch()}
        retrying={policies.isFetching}
      />
    </Box>
  );
}
