import path from "node:path";
import type { Config } from "./config.ts";

/** The configuration without secrets, for the start-up log line. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    port: config.port,
    host: config.host,
    storage: config.databaseUrl !== undefined ? "postgres" : `pglite (${path.join(config.dataDir, "pglite")})`,
    armEndpoint: config.armEndpoint,
    armExtraCa: config.armCaCertPem !== undefined,
    subscriptions: config.subscriptionIds ?? "all visible",
    azureCredential: config.azureCredential.kind,
    inventoryTtlSeconds: config.inventoryTtlSeconds,
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl ?? "http://localhost:<port>",
    signIn:
      config.auth.mode === "local"
        ? "local issuer (demo users)"
        : { entraTenant: config.auth.tenantId, allowedTenants: config.auth.allowedTenantIds, spaClientId: config.auth.spaClientId, apiClientId: config.auth.apiClientId },
    rateLimits: config.rateLimits,
    scheduler: config.scheduler,
    revokeOnRoleRemoval: config.revokeOnRoleRemoval,
    shutdownDrainSeconds: config.shutdownDrainSeconds,
    requestAnswerSeconds: config.requestAnswerSeconds,
    metrics: config.metricsToken === undefined ? "off" : "GET /metrics with METRICS_TOKEN",
    audit: {
      retentionDays: config.audit.retentionDays ?? "forever",
      signingKey: config.audit.signingKey === undefined ? "generated in DATA_DIR" : "AUDIT_SIGNING_KEY",
      anchorFile: config.audit.anchorFile ?? "none (database only)",
      anchorIntervalSeconds: config.audit.anchorIntervalSeconds,
    },
    notifications: {
      // Scheme, host and port only: the URL's user name and password stay out of the log.
      smtp: config.notifications.smtpUrl === undefined ? "off" : smtpServer(config.notifications.smtpUrl),
      smtpFrom: config.notifications.smtpFrom ?? null,
      allowHttpLocalhost: config.notifications.allowHttpLocalhost,
      allowedHosts: config.notifications.allowedHosts,
    },
  };
}

function smtpServer(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}
