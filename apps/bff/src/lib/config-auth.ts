/** Tenant id the local issuer puts in `tid` (fixed, so stored assignments and audit rows stay stable). */
export const localTenantId = "7f3c9a52-4b1d-4e8f-9a6c-2d5e8b1f0a77";
/** Client id of the SPA at the local issuer. */
export const localSpaClientId = "portcullis-spa";
/** Audience and delegated scope of the BFF's API at the local issuer. */
export const localApiAudience = "api://portcullis";
export const localApiScope = "api://portcullis/access_as_user";
/** Client id of the `portcullis` CLI at the local issuer (a public client: device code, loopback redirect). */
export const localCliClientId = "portcullis-cli";
/**
 * The demo automation app at the local issuer (client credentials, app role Jit.Requester). Its secret is published
 * like the demo users' password: local sign-in only ever listens on this machine unless HOST says otherwise.
 */
export const localAutomationClient = { clientId: "portcullis-automation", clientSecret: "Portcullis!automation-demo1", roles: ["Jit.Requester"] } as const;
/** Client id of the BFF's own ARM identity at the local issuer. */
export const localBffClientId = "portcullis-bff";

/** How users sign in and which tokens the API accepts. */
export type AuthConfig =
  /** No ENTRA_* variable set: the BFF runs the local issuer with demo users at /oidc. */
  | { mode: "local"; tenantId: string }
  | {
      mode: "entra";
      /** Home tenant of the app registrations. */
      tenantId: string;
      spaClientId: string;
      apiClientId: string;
      /** The CLI's public client registration (ENTRA_CLI_CLIENT_ID); absent: `portcullis login` is refused with a message. */
      cliClientId?: string;
      /** Scope the SPA asks for, e.g. api://<apiClientId>/access_as_user. */
      apiScope: string;
      /** `tid` values whose users may call the API. */
      allowedTenantIds: string[];
      /** e.g. https://login.microsoftonline.com (AZURE_AUTHORITY_HOST). */
      authorityHost: string;
      /** Where the signing keys are fetched (Entra's keys endpoint unless a test overrides it). */
      jwksUrl: string;
      /** Shortest time between two key fetches caused by an unknown `kid`. */
      jwksCooldownMs: number;
    };

export interface RateLimits {
  perUserPerMinute: number;
  perIpPerMinute: number;
}

/** The parsed ENTRA_* variables (config.ts parses every variable). */
export interface AuthEnv {
  ENTRA_TENANT_ID?: string | undefined;
  ENTRA_SPA_CLIENT_ID?: string | undefined;
  ENTRA_API_CLIENT_ID?: string | undefined;
  ENTRA_CLI_CLIENT_ID?: string | undefined;
  ENTRA_API_SCOPE?: string | undefined;
  ENTRA_ALLOWED_TENANT_IDS?: string[] | undefined;
}

export const entraVariables = ["ENTRA_TENANT_ID", "ENTRA_SPA_CLIENT_ID", "ENTRA_API_CLIENT_ID", "ENTRA_CLI_CLIENT_ID", "ENTRA_API_SCOPE", "ENTRA_ALLOWED_TENANT_IDS"] as const;
const requiredEntraVariables = ["ENTRA_TENANT_ID", "ENTRA_SPA_CLIENT_ID", "ENTRA_API_CLIENT_ID"] as const;

/** Test seam: where the Entra validator fetches keys, instead of Entra's keys endpoint. */
export interface EntraJwksOverride {
  url: string;
  cooldownMs?: number;
}

/**
 * Local mode when no ENTRA_* variable is set (even an invalid one counts as set, so a typo never silently
 * falls back to demo sign-in); otherwise Entra mode, which needs the tenant and both client ids.
 */
export function resolveAuth(
  env: Record<string, string | undefined>,
  parsed: AuthEnv,
  authorityHost: string,
  problems: string[],
  jwksOverride: EntraJwksOverride | undefined,
): AuthConfig | undefined {
  const set = entraVariables.filter((name) => (env[name] ?? "").trim() !== "");
  if (set.length === 0) return { mode: "local", tenantId: localTenantId };
  const missing = requiredEntraVariables.filter((name) => (env[name] ?? "").trim() === "");
  if (missing.length > 0) {
    problems.push(`${missing.join(", ")}: required for Entra ID sign-in (set because ${set.join(", ")} ${set.length === 1 ? "is" : "are"} set)`);
    return undefined;
  }
  // A set variable without a parsed value was invalid; its problem is reported already.
  if (set.some((name) => parsed[name] === undefined)) return undefined;
  const { ENTRA_TENANT_ID: tenantId, ENTRA_SPA_CLIENT_ID: spaClientId, ENTRA_API_CLIENT_ID: apiClientId } = parsed;
  if (tenantId === undefined || spaClientId === undefined || apiClientId === undefined) return undefined;
  return {
    mode: "entra",
    tenantId,
    spaClientId,
    apiClientId,
    ...(parsed.ENTRA_CLI_CLIENT_ID === undefined ? {} : { cliClientId: parsed.ENTRA_CLI_CLIENT_ID }),
    apiScope: parsed.ENTRA_API_SCOPE ?? `api://${apiClientId}/access_as_user`,
    allowedTenantIds: parsed.ENTRA_ALLOWED_TENANT_IDS ?? [tenantId],
    authorityHost,
    jwksUrl: jwksOverride?.url ?? `${authorityHost}/${tenantId}/discovery/v2.0/keys`,
    jwksCooldownMs: jwksOverride?.cooldownMs ?? 30_000,
  };
}
