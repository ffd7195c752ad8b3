import type { ArmClients, ArmCredential } from "../lib/azure/index.ts";
import { listSubscriptions } from "../lib/azure/index.ts";
import { allowedBy, permissionsIn, requiredArmActions, resourceGroupsInUse } from "../lib/azure/permissions.ts";
import type { Config } from "../lib/config.ts";

/** One thing the doctor checked: whether it holds, what it saw, and (when it does not) what to change. */
export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface DoctorDeps {
  config: Pick<Config, "armEndpoint" | "azureCredential" | "subscriptionIds" | "auth">;
  credential: ArmCredential;
  arm: ArmClients;
  /** Resource groups checked per subscription at most (the first ones by name); default 50. */
  maxGroupsPerSubscription?: number;
  /** Fetches a URL (the sign-in authority's discovery document); default global fetch. */
  fetch?: typeof fetch;
}

const roleDoc = "docs/azure-permissions.md";

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function credentialFix(config: DoctorDeps["config"]): string {
  switch (config.azureCredential.kind) {
    case "client-secret":
      return "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (an expired secret is the usual cause)";
    case "client-certificate":
      return "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_CERTIFICATE_PATH (the certificate must be uploaded to the app registration)";
    case "managed-identity":
      return "run where the managed identity is attached (AZURE_MANAGED_IDENTITY_CLIENT_ID for a user-assigned one)";
    case "local-emulator":
      return "the local emulator trusts the BFF's local issuer; start with npm start";
  }
}

/**
 * Checks a configuration against Azure and the sign-in authority before the first start: the BFF's token, the
 * subscriptions it sees (and those AZURE_SUBSCRIPTION_IDS names that it does not), its permissions in each resource
 * group holding VMs or NSGs (Microsoft.Authorization permissions API, against the actions Portcullis needs), and
 * whether the sign-in authority answers its discovery document. Each failed finding says what to change.
 */
export async function runDoctor(deps: DoctorDeps): Promise<Finding[]> {
  const { config } = deps;
  const findings: Finding[] = [];
  const maxGroups = deps.maxGroupsPerSubscription ?? 50;

  try {
    await deps.credential.getToken(`${config.armEndpoint}/.default`);
    findings.push({ check: "Azure token", ok: true, detail: `the ${config.azureCredential.kind} credential gets a token for ${config.armEndpoint}` });
  } catch (error) {
    findings.push({ check: "Azure token", ok: false, detail: `no token for ${config.armEndpoint}: ${reasonOf(error)}`, fix: credentialFix(config) });
    return findings;
  }

  let subscriptions: Array<{ id: string; name: string }> = [];
  try {
    subscriptions = await listSubscriptions(deps.arm);
  } catch (error) {
    findings.push({ check: "Subscriptions", ok: false, detail: `listing subscriptions failed: ${reasonOf(error)}`, fix: `assign the identity the role in ${roleDoc} on each subscription to manage` });
    return findings;
  }
  const wanted = config.subscriptionIds?.map((id) => id.toLowerCase());
  const missing = wanted?.filter((id) => !subscriptions.some((s) => s.id === id)) ?? [];
  const managed = wanted === undefined ? subscriptions : subscriptions.filter((s) => wanted.includes(s.id));
  findings.push(
    managed.length === 0
      ? { check: "Subscriptions", ok: false, detail: "the identity sees no subscription to manage", fix: `assign the identity the role in ${roleDoc} on each subscription to manage` }
      : { check: "Subscriptions", ok: true, detail: `sees ${managed.length}: ${managed.map((s) => `${s.name} (${s.id})`).join(", ")}` },
  );
  if (missing.length > 0) {
    findings.push({ check: "Subscriptions", ok: false, detail: `AZURE_SUBSCRIPTION_IDS names subscriptions the identity cannot see: ${missing.join(", ")}`, fix: `assign the role in ${roleDoc} there, or remove them from AZURE_SUBSCRIPTION_IDS` });
  }

  for (const subscription of managed) {
    let groups: string[];
    try {
      groups = await resourceGroupsInUse(deps.arm, subscription.id);
    } catch (error) {
      findings.push({ check: `Permissions in ${subscription.name}`, ok: false, detail: `listing VMs and NSGs failed: ${reasonOf(error)}`, fix: `assign the role in ${roleDoc} on /subscriptions/${subscription.id}` });
      continue;
    }
    for (const group of groups.slice(0, maxGroups)) {
      const check = `Permissions in ${subscription.name}/${group}`;
      try {
        const sets = await permissionsIn(deps.arm, subscription.id, group);
        const lacking = requiredArmActions.filter((action) => !allowedBy(sets, action));
        findings.push(
          lacking.length === 0
            ? { check, ok: true, detail: `holds every action Portcullis needs (${requiredArmActions.length})` }
            : { check, ok: false, detail: `lacks ${lacking.join(", ")}`, fix: `assign the "Portcullis BFF" custom role of ${roleDoc} on /subscriptions/${subscription.id} (or this resource group)` },
        );
      } catch (error) {
        findings.push({ check, ok: false, detail: `reading its permissions failed: ${reasonOf(error)}`, fix: "the identity may read its own permissions with any role; check that ARM is reachable" });
      }
    }
    if (groups.length > maxGroups) findings.push({ check: `Permissions in ${subscription.name}`, ok: true, detail: `checked the first ${maxGroups} of ${groups.length} resource groups` });
  }

  const authority = config.auth.mode === "entra" ? `${config.auth.authorityHost.replace(/\/$/, "")}/${config.auth.tenantId}/v2.0` : null;
  if (authority !== null) {
    try {
      const res = await (deps.fetch ?? fetch)(`${authority}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
      findings.push(
        res.ok
          ? { check: "Sign-in authority", ok: true, detail: `${authority} answers its discovery document` }
          : { check: "Sign-in authority", ok: false, detail: `${authority} answered ${res.status}`, fix: "check ENTRA_TENANT_ID (the tenant's id, not its name)" },
      );
    } catch (error) {
      findings.push({ check: "Sign-in authority", ok: false, detail: `${authority} cannot be reached: ${reasonOf(error)}`, fix: "allow outbound HTTPS to the Entra ID authority" });
    }
  } else {
    findings.push({ check: "Sign-in authority", ok: true, detail: "local sign-in (demo users); Entra ID app registrations are not checked" });
  }
  return findings;
}
