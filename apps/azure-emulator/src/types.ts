/** Public types of the emulator (re-exported by index.ts). */

export interface EmulatorLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export type SeedSpec =
  | { kind: "demo" }
  | { kind: "large"; vms: number; nsgs: number; subscriptions?: number; seed?: number }
  | { kind: "empty" };

/**
 * Result of `verifyToken`: `true` accepts the request; `false` rejects it with ARM's 401
 * `InvalidAuthenticationToken`; a string rejects it the same way with that string as the error message
 * (so a real validator can say why, e.g. "The audience is invalid.").
 */
export type TokenVerdict = boolean | string;

export interface EmulatorOptions {
  host?: string;
  port?: number;
  /** Directory for persistence (estate + TLS); null = in-memory only (tests). */
  dataDir?: string | null;
  /** Used when there is no persisted estate; default `{ kind: "demo" }`. */
  seed?: SeedSpec;
  /** How long a write's long-running operation stays in progress; default 300. */
  writeLatencyMs?: number;
  /** Delay added to every ARM read; default 0. */
  readLatencyMs?: number;
  /** Writes per second per subscription (token bucket); default null = unlimited. */
  writeRatePerSecond?: number | null;
  /** Items per list page before a `nextLink`; default 100. */
  pageSize?: number;
  logger?: EmulatorLogger;
  /** Checks the bearer token of every ARM request. Default: any non-empty token is accepted. */
  verifyToken?: (token: string) => Promise<TokenVerdict>;
  /**
   * What the caller's role assignments allow (RBAC actions, `*` wildcards): requests needing another action get
   * ARM's 403 AuthorizationFailed, and the permissions API lists these. Default: every action.
   */
  permissions?: { actions: string[]; notActions?: string[] };
}

export interface EmulatorConfig {
  writeLatencyMs: number;
  readLatencyMs: number;
  writeRatePerSecond: number | null;
  pageSize: number;
}

export type FaultAction =
  | { kind: "status"; status: number; code: string; message?: string; retryAfterSeconds?: number }
  | { kind: "stall"; ms: number }
  | { kind: "lro-fail"; code: string; message?: string }
  /** The next matching write's long-running operation takes this long (instead of `writeLatencyMs`). */
  | { kind: "lro-latency"; ms: number };

export interface FaultSpec {
  match: { method?: string; pathContains?: string };
  times: number;
  fault: FaultAction;
}

export interface EmulatorCounters {
  /** Every ARM request (control endpoint excluded). */
  requests: number;
  /** ARM GET requests, including long-running-operation polls. */
  reads: number;
  /** ARM requests with any other method. */
  writes: number;
  /** Write requests per NSG (the NSG itself or one of its rules), keyed by lower-case NSG id. */
  writesByNsg: Record<string, number>;
  /** Writes refused by the write-rate limit (429 SubscriptionRequestsThrottled). */
  throttled: number;
  /** Writes refused because the NSG was busy (429 RetryableErrorDueToAnotherOperation) or the ETag was stale (412). */
  conflicts: number;
}

export interface EstateSummary {
  subscriptions: number;
  resourceGroups: number;
  virtualMachines: number;
  scaleSets: number;
  networkInterfaces: number;
  virtualNetworks: number;
  subnets: number;
  networkSecurityGroups: number;
  securityRules: number;
  operationsInProgress: number;
}

export interface EmulatorControl {
  /** Replaces the estate with a freshly seeded one and clears counters, faults and in-flight operations. */
  reset(seed?: SeedSpec): void;
  getConfig(): EmulatorConfig;
  /** Merges the given fields into the configuration and returns the result. */
  setConfig(patch: Partial<EmulatorConfig>): EmulatorConfig;
  addFault(fault: FaultSpec): void;
  clearFaults(): void;
  counters(): EmulatorCounters;
  resetCounters(): void;
  estateSummary(): EstateSummary;
}

export interface RunningEmulator {
  /** e.g. "https://localhost:8443" (hostname localhost, which the certificate covers). */
  url: string;
  port: number;
  /** The self-signed certificate the client must trust. */
  caCertPem: string;
  control: EmulatorControl;
  /**
   * Random per start; the HTTP control endpoint (/_emulator/...) answers 401 without it
   * (`Authorization: Bearer <token>` or `x-emulator-token: <token>`). In-process callers use `control` instead.
   */
  controlToken: string;
  /** `<dataDir>/emulator/control-token` (mode 0600) holding the token, for tools in other processes; null in memory. */
  controlTokenFile: string | null;
  stop(): Promise<void>;
}
