import { readFileSync } from "node:fs";
import path from "node:path";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { isUuid } from "@portcullis/contract";
import { checkTrustedProxies, expandTrustedProxies, parseCidr } from "@portcullis/core";
import { resolveAuth, type AuthConfig, type EntraJwksOverride, type RateLimits } from "./config-auth.ts";

export type { AuthConfig, RateLimits } from "./config-auth.ts";

/** How the BFF authenticates to Azure Resource Manager; derived from the AZURE_* variables. */
export type AzureCredentialConfig =
  | { kind: "client-secret"; tenantId: string; clientId: string; clientSecret: string; authorityHost: string }
  | { kind: "client-certificate"; tenantId: string; clientId: string; certificatePath: string; authorityHost: string }
  /** `clientId` selects a user-assigned identity; absent means the system-assigned one. */
  | { kind: "managed-identity"; clientId: string | undefined }
  /**
   * A loopback ARM endpoint (the local emulator) and no Azure credential configured: the BFF gets its ARM
   * token from its own local issuer by client credentials.
   */
  | { kind: "local-emulator" };

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** The background jobs: expiry of grants and the NSG reconciler. */
export interface SchedulerConfig {
  /** How often the expiry job looks for due grants. */
  intervalMs: number;
  /** How often the reconciler compares the protected NSGs with what they should hold. */
  reconcileIntervalSeconds: number;
  /** Whether the reconciler puts Portcullis's own rules back when they drifted (it always reports). */
  reconcileRepair: boolean;
}

/** The audit trail: retention, the key that hashes events and signs checkpoints and anchors, and where anchors go. */
export interface AuditConfig {
  /** Events older than this many days are pruned (daily and at start); undefined keeps them forever. */
  retentionDays: number | undefined;
  /** AUDIT_SIGNING_KEY (HMAC-SHA256 key, at least 32 characters); undefined uses a key generated in DATA_DIR. */
  signingKey: string | undefined;
  /** AUDIT_ANCHOR_FILE (absolute path): anchors are also appended there as JSON lines; undefined: database only. */
  anchorFile: string | undefined;
  /** AUDIT_ANCHOR_INTERVAL_SECONDS: how often the chain's head is anchored while events are appended. */
  anchorIntervalSeconds: number;
}

/** Notifications (src/notifications): e-mail over SMTP, the development allowance for http webhooks, the address allow-list. */
export interface NotificationsConfig {
  /** SMTP_URL (`smtp://user:pass@host:587` or `smtps://...`); undefined: e-mail subscriptions are refused. Holds a password: never logged. */
  smtpUrl: string | undefined;
  /** SMTP_FROM: the sender of notification e-mails (required with SMTP_URL). */
  smtpFrom: string | undefined;
  /** NOTIFY_ALLOW_HTTP_LOCALHOST: webhooks may be plain http to localhost (default: on in local mode, off in Entra mode). */
  allowHttpLocalhost: boolean;
  /**
   * NOTIFY_ALLOWED_HOSTS: webhook hosts exempt from the address rules (they may resolve to private, loopback or other
   * non-public addresses), as WHATWG URL parsing spells them: lower case, punycode, no trailing dot.
   */
  allowedHosts: string[];
}

export interface Config {
  port: number;
  /** HOST; default 127.0.0.1 with local sign-in (demo users), 0.0.0.0 with Entra ID. */
  host: string;
  /** Absolute path. PGlite keeps its files in `<dataDir>/pglite` unless `databaseUrl` is set. */
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: LogLevel;
  /** Origin of ARM without a trailing slash, e.g. `https://management.azure.com`. */
  armEndpoint: string;
  /** Extra CA certificate(s) (PEM) the ARM client trusts besides the system roots. */
  armCaCertPem: string | undefined;
  /** Subscriptions to read; undefined means every subscription the credential can see. */
  subscriptionIds: string[] | undefined;
  azureCredential: AzureCredentialConfig;
  inventoryTtlSeconds: number;
  /** Value for Express's `trust proxy`: CIDRs/IPs/named ranges; empty means trust no proxy. */
  trustProxy: string[];
  /** Origin the portal is reached at (no trailing slash); undefined means http://localhost:<listening port>. */
  publicUrl: string | undefined;
  auth: AuthConfig;
  rateLimits: RateLimits;
  scheduler: SchedulerConfig;
  /** Removing a role assignment also revokes the open grants it no longer backs (pending requests are always cancelled). */
  revokeOnRoleRemoval: boolean;
  /** On SIGTERM: how long requests and NSG writes under way may take before the process hands its work over. */
  shutdownDrainSeconds: number;
  /** An access request is answered within this long: with its outcome, or with the grant still opening. */
  requestAnswerSeconds: number;
  /** METRICS_TOKEN: GET /metrics (Prometheus) answers a scraper sending it as a bearer token; unset: no /metrics. */
  metricsToken: string | undefined;
  audit: AuditConfig;
  notifications: NotificationsConfig;
}

/** Values a start script sets in memory rather than through the environment. */
export interface ConfigOverrides {
  /** PEM of an extra CA to trust for ARM (e.g. the local emulator's self-signed certificate). */
  armCaCertPem?: string;
  /** Tests only: fetch Entra's signing keys from here (a local JWKS server) instead of Entra ID. */
  entraJwks?: EntraJwksOverride;
}

/** Every problem found in the environment, one line each, naming the variable and the rule. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const namedProxyRanges = new Set(["loopback", "linklocal", "uniquelocal"]);

/**
 * Every environment variable is parsed here, on zod's own types (integers, booleans as words, GUIDs, URLs, enums):
 * the BFF's, its sign-in's and the launcher's (`npm start`), so each is read by one rule. A message names the
 * variable and the rule; it repeats the value only where the value is no secret.
 */
type Issue = { input?: unknown };
const got = (issue: Issue): string => `(got "${String(issue.input)}")`;

/** Unset and blank mean the same, "use the default"; values are trimmed. */
const setting = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v), schema);
const text = setting(z.string().optional());

function integer(name: string, min: number, max: number, fallback: number, unsetMeans = "") {
  const error = (issue: Issue) => `${name}: must be an integer from ${min} to ${max}${unsetMeans} ${got(issue)}`;
  return setting(z.string().regex(/^\d{1,9}$/, { error, abort: true }).transform(Number).pipe(z.int({ error }).min(min, { error }).max(max, { error })).default(fallback));
}

function optionalInteger(name: string, min: number, max: number, unsetMeans: string) {
  const error = (issue: Issue) => `${name}: must be an integer from ${min} to ${max}${unsetMeans} ${got(issue)}`;
  return setting(z.string().regex(/^\d{1,9}$/, { error, abort: true }).transform(Number).pipe(z.int({ error }).min(min, { error }).max(max, { error })).optional());
}

const onOff = { truthy: ["true", "1", "yes", "on"], falsy: ["false", "0", "no", "off"] };
function boolean(name: string, fallback: boolean) {
  return setting(z.stringbool({ ...onOff, error: (issue: Issue) => `${name}: must be true or false ${got(issue)}` }).default(fallback));
}
function optionalBoolean(name: string) {
  return setting(z.stringbool({ ...onOff, error: (issue: Issue) => `${name}: must be true or false ${got(issue)}` }).optional());
}

function guid(name: string) {
  return setting(
    z
      .guid({ error: (issue: Issue) => `${name}: must be a GUID such as 00000000-0000-0000-0000-000000000000 ${got(issue)}` })
      .transform((v) => v.toLowerCase())
      .optional(),
  );
}

function commaList(v: string | undefined): string[] {
  return (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A comma-separated list of GUIDs, lower case, each once. */
function guidList(name: string, what: string) {
  return setting(
    z
      .string()
      .transform((v, ctx) => {
        const ids = commaList(v);
        const bad = ids.filter((id) => !isUuid(id));
        if (bad.length > 0 || ids.length === 0) {
          ctx.addIssue({ code: "custom", message: `${name}: must be a comma-separated list of ${what} GUIDs (bad: ${bad.join(", ") || "empty list"})` });
          return z.NEVER;
        }
        return [...new Set(ids.map((id) => id.toLowerCase()))];
      })
      .optional(),
  );
}

/** An https URL with neither query nor fragment, without its trailing slash. */
function httpsEndpoint(name: string, fallback: string) {
  const error = (issue: Issue) => `${name}: must be an https URL without query or fragment ${got(issue)}`;
  return setting(
    z
      .url({ protocol: /^https$/, error, abort: true })
      .refine((v) => new URL(v).search === "" && new URL(v).hash === "", { error })
      .transform((v) => new URL(v).href.replace(/\/+$/, ""))
      .default(fallback),
  );
}

const senderPattern = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (!ipaddr.isValid(bare)) return false;
  return ipaddr.parse(bare).range() === "loopback";
}

function isProxyEntry(entry: string): boolean {
  return namedProxyRanges.has(entry.toLowerCase()) || parseCidr(entry).ok;
}

/** An allow-list entry as URL parsing spells the host (so it compares equal to `URL.hostname`); null if not a bare host. */
function canonicalHost(entry: string): string | null {
  if (/[\s/@?#*\\]/.test(entry)) return null;
  // A colon outside brackets is a port (which `URL` would drop silently when it is 443).
  if (entry.includes(":") && !/^\[[^\]]+\]$/.test(entry)) return null;
  try {
    const url = new URL(`https://${entry}/`);
    return url.port === "" && url.hostname !== "" ? url.hostname.replace(/\.$/, "") : null;
  } catch {
    return null;
  }
}

/** Repeats PUBLIC_URL without the credentials it may wrongly hold. */
const publicUrlError = (issue: Issue) => `PUBLIC_URL: must be an http(s) origin without path, query or credentials ${got({ input: String(issue.input).replace(/\/\/[^/@]*@/, "//…@") })}`;

const EnvSchema = z.object({
  PORT: integer("PORT", 0, 65535, 8080),
  // Unset: decided with the sign-in mode (127.0.0.1 with local sign-in, whose demo password is published).
  HOST: text,
  DATA_DIR: text.transform((v) => path.resolve(v ?? "./data")),
  // Never repeated in a message: it may hold a password.
  DATABASE_URL: setting(z.string().regex(/^postgres(ql)?:\/\/[^\s]+$/, { error: "DATABASE_URL: must be a postgres:// or postgresql:// URL" }).optional()),
  LOG_LEVEL: setting(
    z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(logLevels, { error: (issue: Issue) => `LOG_LEVEL: must be one of ${logLevels.join(", ")} ${got(issue)}` }))
      .default("info"),
  ),
  ARM_ENDPOINT: httpsEndpoint("ARM_ENDPOINT", "https://management.azure.com"),
  ARM_CA_CERT_FILE: text,
  AZURE_SUBSCRIPTION_IDS: guidList("AZURE_SUBSCRIPTION_IDS", "subscription"),
  AZURE_TENANT_ID: text,
  AZURE_CLIENT_ID: text,
  // Never repeated in a message: a secret.
  AZURE_CLIENT_SECRET: text,
  AZURE_CLIENT_CERTIFICATE_PATH: text,
  AZURE_AUTHORITY_HOST: setting(
    z
      .string()
      .regex(/^https:\/\/[^\s/?#]+\/?$/, { error: (issue: Issue) => `AZURE_AUTHORITY_HOST: must be an https origin such as https://login.microsoftonline.com ${got(issue)}` })
      .transform((v) => v.replace(/\/+$/, ""))
      .default("https://login.microsoftonline.com"),
  ),
  AZURE_USE_MANAGED_IDENTITY: boolean("AZURE_USE_MANAGED_IDENTITY", false),
  INVENTORY_TTL_SECONDS: integer("INVENTORY_TTL_SECONDS", 1, 86_400, 300),
  TRUST_PROXY: text.transform((v, ctx) => {
    const entries = commaList(v);
    const bad = entries.filter((e) => !isProxyEntry(e));
    if (bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `TRUST_PROXY: must be a comma-separated list of IP addresses, CIDRs or loopback/linklocal/uniquelocal (bad: ${bad.join(", ")})`,
      });
      return z.NEVER;
    }
    // The same checker "My IP" uses: strict CIDRs, and nothing that (however it is split) trusts the Internet.
    const problems = checkTrustedProxies(expandTrustedProxies(entries));
    if (problems.length > 0) {
      ctx.addIssue({ code: "custom", message: `TRUST_PROXY: ${problems.map((p) => p.rule).join("; ")}` });
      return z.NEVER;
    }
    return entries;
  }),
  SCHEDULER_INTERVAL_MS: integer("SCHEDULER_INTERVAL_MS", 50, 60_000, 1_000),
  RECONCILE_INTERVAL_SECONDS: integer("RECONCILE_INTERVAL_SECONDS", 1, 86_400, 60),
  RECONCILE_REPAIR: boolean("RECONCILE_REPAIR", false),
  REVOKE_ON_ROLE_REMOVAL: boolean("REVOKE_ON_ROLE_REMOVAL", true),
  SHUTDOWN_DRAIN_SECONDS: integer("SHUTDOWN_DRAIN_SECONDS", 1, 600, 30),
  REQUEST_ANSWER_SECONDS: integer("REQUEST_ANSWER_SECONDS", 1, 300, 25),
  // Never repeated in a message: a secret.
  METRICS_TOKEN: setting(
    z
      .string()
      .min(24, { error: "METRICS_TOKEN: must be at least 24 printable characters without spaces (a scraper sends it as Authorization: Bearer <token>)", abort: true })
      .regex(/^[\x21-\x7e]+$/, { error: "METRICS_TOKEN: must be at least 24 printable characters without spaces (a scraper sends it as Authorization: Bearer <token>)" })
      .optional(),
  ),
  AUDIT_RETENTION_DAYS: optionalInteger("AUDIT_RETENTION_DAYS", 1, 36_500, ", or unset to keep events forever"),
  // Never repeated in a message: a secret.
  AUDIT_SIGNING_KEY: setting(z.string().min(32, { error: "AUDIT_SIGNING_KEY: must be at least 32 characters" }).optional()),
  AUDIT_ANCHOR_FILE: text.transform((v) => (v === undefined ? undefined : path.resolve(v))),
  AUDIT_ANCHOR_INTERVAL_SECONDS: integer("AUDIT_ANCHOR_INTERVAL_SECONDS", 1, 3600, 60),
  // Never repeated in a message: it holds the SMTP password.
  SMTP_URL: setting(z.url({ protocol: /^smtps?$/, hostname: /.+/, error: "SMTP_URL: must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587" }).optional()),
  SMTP_FROM: setting(z.string().regex(senderPattern, { error: "SMTP_FROM: must be an e-mail address, or a name and an address such as Portcullis <jit@example.com>" }).optional()),
  NOTIFY_ALLOW_HTTP_LOCALHOST: optionalBoolean("NOTIFY_ALLOW_HTTP_LOCALHOST"),
  NOTIFY_ALLOWED_HOSTS: text.transform((v, ctx) => {
    const entries = commaList(v);
    const bad = entries.filter((e) => canonicalHost(e) === null);
    if (bad.length > 0) {
      ctx.addIssue({ code: "custom", message: `NOTIFY_ALLOWED_HOSTS: must be a comma-separated list of host names or IP addresses, without scheme, port, path or wildcard (bad: ${bad.join(", ")})` });
      return z.NEVER;
    }
    return [...new Set(entries.map((e) => canonicalHost(e) ?? e))];
  }),
  // Sign-in, token validation and rate limits (resolved in config-auth.ts).
  PUBLIC_URL: setting(
    z
      .url({ protocol: /^https?$/, error: publicUrlError, abort: true })
      .refine((v) => {
        const url = new URL(v);
        return url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "" && url.password === "";
      }, { error: publicUrlError })
      .transform((v) => new URL(v).origin)
      .optional(),
  ),
  ENTRA_TENANT_ID: guid("ENTRA_TENANT_ID"),
  ENTRA_SPA_CLIENT_ID: guid("ENTRA_SPA_CLIENT_ID"),
  ENTRA_API_CLIENT_ID: guid("ENTRA_API_CLIENT_ID"),
  ENTRA_CLI_CLIENT_ID: guid("ENTRA_CLI_CLIENT_ID"),
  ENTRA_API_SCOPE: setting(
    z
      .string()
      .regex(/^[a-z][a-z0-9+.-]*:\/\/?[^\s]+\/[\w.-]+$|^[0-9a-f-]{36}\/[\w.-]+$/i, { error: (issue: Issue) => `ENTRA_API_SCOPE: must look like api://<application id>/access_as_user ${got(issue)}` })
      .optional(),
  ),
  ENTRA_ALLOWED_TENANT_IDS: guidList("ENTRA_ALLOWED_TENANT_IDS", "tenant"),
  RATE_LIMIT_PER_USER_PER_MINUTE: integer("RATE_LIMIT_PER_USER_PER_MINUTE", 1, 1_000_000, 600),
  RATE_LIMIT_PER_IP_PER_MINUTE: integer("RATE_LIMIT_PER_IP_PER_MINUTE", 1, 1_000_000, 1200),
  // The launcher (`npm start`): the local Azure emulator it starts when no Azure is configured.
  EMULATOR_PORT: integer("EMULATOR_PORT", 0, 65535, 0),
  /** The RBAC actions the emulator grants the BFF's identity (`*` wildcards), to try a restricted role locally; unset: every action. */
  EMULATOR_ARM_ACTIONS: text.transform((v) => (commaList(v).length === 0 ? undefined : commaList(v))),
});

type Env = z.infer<typeof EnvSchema>;

const launcherVariables = new Set<keyof Env>(["EMULATOR_PORT", "EMULATOR_ARM_ACTIONS"]);

/** Parses the named variables, each on its own so that one bad value does not hide the others. */
function parseVariables<K extends keyof Env>(env: Record<string, string | undefined>, names: readonly K[]): { values: Partial<Pick<Env, K>>; problems: string[] } {
  const problems: string[] = [];
  const values: Partial<Pick<Env, K>> = {};
  for (const name of names) {
    const result = EnvSchema.shape[name].safeParse(env[name]);
    if (result.success) values[name] = result.data as Env[K];
    else problems.push(...result.error.issues.map((issue) => issue.message));
  }
  return { values, problems };
}

function resolveCredential(env: Env, armEndpoint: string, problems: string[]): AzureCredentialConfig | undefined {
  const { AZURE_TENANT_ID: tenantId, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: secret } = env;
  const certificatePath = env.AZURE_CLIENT_CERTIFICATE_PATH;
  if (env.AZURE_USE_MANAGED_IDENTITY) {
    if (secret !== undefined || certificatePath !== undefined) {
      problems.push("AZURE_USE_MANAGED_IDENTITY: cannot be combined with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH; choose one credential");
      return undefined;
    }
    return { kind: "managed-identity", clientId };
  }
  if (secret !== undefined || certificatePath !== undefined) {
    const missing = [
      ...(tenantId === undefined ? ["AZURE_TENANT_ID"] : []),
      ...(clientId === undefined ? ["AZURE_CLIENT_ID"] : []),
    ];
    if (secret !== undefined && certificatePath !== undefined) {
      problems.push("AZURE_CLIENT_SECRET: cannot be combined with AZURE_CLIENT_CERTIFICATE_PATH; set only one");
      return undefined;
    }
    const using = secret !== undefined ? "AZURE_CLIENT_SECRET" : "AZURE_CLIENT_CERTIFICATE_PATH";
    if (missing.length > 0 || tenantId === undefined || clientId === undefined) {
      problems.push(`${missing.join(", ")}: required when ${using} is set`);
      return undefined;
    }
    if (secret !== undefined) {
      return { kind: "client-secret", tenantId, clientId, clientSecret: secret, authorityHost: env.AZURE_AUTHORITY_HOST };
    }
    const absolute = path.resolve(certificatePath ?? "");
    try {
      readFileSync(absolute, "utf8");
    } catch (error) {
      problems.push(`AZURE_CLIENT_CERTIFICATE_PATH: cannot read ${absolute} (${(error as Error).message})`);
      return undefined;
    }
    return { kind: "client-certificate", tenantId, clientId, certificatePath: absolute, authorityHost: env.AZURE_AUTHORITY_HOST };
  }
  if (isLoopbackHost(new URL(armEndpoint).hostname)) return { kind: "local-emulator" };
  problems.push(
    `ARM_ENDPOINT: ${armEndpoint} is not a local emulator and needs an Azure credential: set AZURE_TENANT_ID, AZURE_CLIENT_ID and ` +
      "AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH), or AZURE_USE_MANAGED_IDENTITY=true",
  );
  return undefined;
}

/**
 * The demo users of local sign-in share a published password, so they must never reach real Azure; and the
 * local emulator trusts only the local issuer's tokens, which Entra mode does not run.
 */
export function checkSignInMatchesAzure(auth: AuthConfig, credential: AzureCredentialConfig, armEndpoint: string, problems: string[]): void {
  if (auth.mode === "local" && credential.kind !== "local-emulator") {
    problems.push(
      "ENTRA_TENANT_ID, ENTRA_SPA_CLIENT_ID, ENTRA_API_CLIENT_ID: required when Portcullis talks to real Azure " +
        `(ARM_ENDPOINT ${armEndpoint} with an Azure credential): local sign-in has demo users with a published password`,
    );
  }
  if (auth.mode === "entra" && credential.kind === "local-emulator") {
    problems.push(
      `ARM_ENDPOINT: ${armEndpoint} is the local Azure emulator, which trusts only the local issuer (used when no ENTRA_* ` +
        "variable is set); with Entra ID sign-in, point ARM_ENDPOINT at Azure and set an Azure credential",
    );
  }
}

function readCaFile(file: string, problems: string[]): string | undefined {
  const absolute = path.resolve(file);
  let pem: string;
  try {
    pem = readFileSync(absolute, "utf8");
  } catch (error) {
    problems.push(`ARM_CA_CERT_FILE: cannot read ${absolute} (${(error as Error).message})`);
    return undefined;
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push(`ARM_CA_CERT_FILE: ${absolute} must hold a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return undefined;
  }
  return pem;
}

/** Local sign-in has demo users with a published password: unless HOST says otherwise, only this machine may reach it. */
function defaultHost(auth: AuthConfig): string {
  return auth.mode === "local" ? "127.0.0.1" : "0.0.0.0";
}

/**
 * Parses every setting once. Nothing else in the BFF reads `process.env`.
 * Throws ConfigError listing every problem (variable and rule).
 */
export function loadConfig(env: Record<string, string | undefined>, overrides: ConfigOverrides = {}): Config {
  // The launcher's own variables are read by loadLauncherConfig, and only by `npm start` and the doctor.
  const { values, problems } = parseVariables(env, (Object.keys(EnvSchema.shape) as Array<keyof Env>).filter((name) => !launcherVariables.has(name)));
  const e = values as Env;
  const credentialInputsValid = ["ARM_ENDPOINT", "AZURE_USE_MANAGED_IDENTITY", "AZURE_AUTHORITY_HOST"].every((k) => k in values);
  const azureCredential = credentialInputsValid ? resolveCredential(e, e.ARM_ENDPOINT, problems) : undefined;
  const caPems = [
    ...(e.ARM_CA_CERT_FILE !== undefined ? [readCaFile(e.ARM_CA_CERT_FILE, problems)] : []),
    overrides.armCaCertPem,
  ].filter((pem): pem is string => pem !== undefined);
  const auth = "AZURE_AUTHORITY_HOST" in values ? resolveAuth(env, e, e.AZURE_AUTHORITY_HOST, problems, overrides.entraJwks) : undefined;
  if (auth !== undefined && azureCredential !== undefined) checkSignInMatchesAzure(auth, azureCredential, e.ARM_ENDPOINT, problems);
  if (e.SMTP_URL !== undefined && e.SMTP_FROM === undefined && "SMTP_FROM" in values) problems.push("SMTP_FROM: required when SMTP_URL is set (the sender of notification e-mails)");
  if (problems.length > 0 || azureCredential === undefined || auth === undefined) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host: e.HOST ?? defaultHost(auth),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    armEndpoint: e.ARM_ENDPOINT,
    armCaCertPem: caPems.length > 0 ? caPems.join("\n") : undefined,
    subscriptionIds: e.AZURE_SUBSCRIPTION_IDS,
    azureCredential,
    inventoryTtlSeconds: e.INVENTORY_TTL_SECONDS,
    trustProxy: e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL ?? (e.PORT === 0 ? undefined : `http://localhost:${e.PORT}`),
    auth,
    rateLimits: { perUserPerMinute: e.RATE_LIMIT_PER_USER_PER_MINUTE, perIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE },
    scheduler: { intervalMs: e.SCHEDULER_INTERVAL_MS, reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS, reconcileRepair: e.RECONCILE_REPAIR },
    revokeOnRoleRemoval: e.REVOKE_ON_ROLE_REMOVAL,
    shutdownDrainSeconds: e.SHUTDOWN_DRAIN_SECONDS,
    requestAnswerSeconds: e.REQUEST_ANSWER_SECONDS,
    metricsToken: e.METRICS_TOKEN,
    audit: auditConfigOf(e),
    notifications: { smtpUrl: e.SMTP_URL, smtpFrom: e.SMTP_FROM, allowHttpLocalhost: e.NOTIFY_ALLOW_HTTP_LOCALHOST ?? auth.mode === "local", allowedHosts: e.NOTIFY_ALLOWED_HOSTS },
  };
}

const auditVariables = ["AUDIT_RETENTION_DAYS", "AUDIT_SIGNING_KEY", "AUDIT_ANCHOR_FILE", "AUDIT_ANCHOR_INTERVAL_SECONDS"] as const;

function auditConfigOf(e: Pick<Env, (typeof auditVariables)[number]>): AuditConfig {
  return { retentionDays: e.AUDIT_RETENTION_DAYS, signingKey: e.AUDIT_SIGNING_KEY, anchorFile: e.AUDIT_ANCHOR_FILE, anchorIntervalSeconds: e.AUDIT_ANCHOR_INTERVAL_SECONDS };
}

/** Storage settings only (DATA_DIR, DATABASE_URL, AUDIT_*), parsed by the same rules: for tools such as `npm run audit:verify`. */
export function loadStorageConfig(env: Record<string, string | undefined>): Pick<Config, "dataDir" | "databaseUrl" | "audit"> {
  const { values, problems } = parseVariables(env, ["DATA_DIR", "DATABASE_URL", ...auditVariables]);
  if (problems.length > 0) throw new ConfigError(problems);
  const e = values as Pick<Env, "DATA_DIR" | "DATABASE_URL" | (typeof auditVariables)[number]>;
  return { dataDir: e.DATA_DIR, databaseUrl: e.DATABASE_URL, audit: auditConfigOf(e) };
}

/** What the launcher (`npm start`, `npm run doctor`) decides before the BFF's own configuration is loaded. */
export interface LauncherConfig {
  dataDir: string;
  logLevel: LogLevel;
  /** Whether Azure is configured (ARM_ENDPOINT, AZURE_CLIENT_ID or AZURE_USE_MANAGED_IDENTITY set); otherwise the local emulator stands in. */
  azureConfigured: boolean;
  /** EMULATOR_PORT; 0: any free port. */
  emulatorPort: number;
  /** EMULATOR_ARM_ACTIONS: the RBAC actions the emulator grants the BFF's identity; undefined: every action. */
  emulatorArmActions: string[] | undefined;
}

const azureSettings = ["ARM_ENDPOINT", "AZURE_CLIENT_ID", "AZURE_USE_MANAGED_IDENTITY"] as const;

/** The launcher's settings, parsed by the same rules as the BFF's (one schema for every variable). */
export function loadLauncherConfig(env: Record<string, string | undefined>): LauncherConfig {
  const { values, problems } = parseVariables(env, ["DATA_DIR", "LOG_LEVEL", "EMULATOR_PORT", "EMULATOR_ARM_ACTIONS"]);
  if (problems.length > 0) throw new ConfigError(problems);
  const e = values as Pick<Env, "DATA_DIR" | "LOG_LEVEL" | "EMULATOR_PORT" | "EMULATOR_ARM_ACTIONS">;
  return {
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    // Set at all (even to a wrong value, which the BFF's configuration then names) means Azure is meant.
    azureConfigured: azureSettings.some((name) => (env[name] ?? "").trim() !== ""),
    emulatorPort: e.EMULATOR_PORT,
    emulatorArmActions: e.EMULATOR_ARM_ACTIONS,
  };
}
