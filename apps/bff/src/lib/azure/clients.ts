import https from "node:https";
import tls from "node:tls";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { Config } from "../config.ts";
import { currentRequestId } from "../http/request-context.ts";
import { clientRequestIdPolicy } from "./pipeline-policies.ts";
import { createArmCredential, type LocalIssuerClient } from "./credential.ts";

/** The ARM clients the BFF uses, pointed at one endpoint and sharing one connection pool. */
export interface ArmClients {
  readonly endpoint: string;
  readonly subscriptions: SubscriptionClient;
  /** Without retries, so a readiness probe reports the failure itself rather than a timeout. */
  readonly probe: SubscriptionClient;
  compute(subscriptionId: string): ComputeManagementClient;
  network(subscriptionId: string): NetworkManagementClient;
  /**
   * For NSG writes: no retries inside the SDK (it would sleep a server's Retry-After within the call, past any
   * deadline); nsg-apply decides every wait itself, under the operation's deadline.
   */
  networkWrites(subscriptionId: string): NetworkManagementClient;
  /** Microsoft.Authorization (the permissions API: what this identity may do where), for the doctor. */
  authorization(subscriptionId: string): AuthorizationManagementClient;
  /** Closes pooled connections. */
  close(): void;
}

export interface ArmClientOptions {
  /** Defaults to the credential the configuration describes. */
  credential?: TokenCredential;
  /** The BFF's client at the local issuer; required for the local emulator unless `credential` is given. */
  localIssuer?: LocalIssuerClient | null;
  /** Retries of a failed ARM call (network errors, 408/429/5xx). Default 3. */
  maxRetries?: number;
  /** A single ARM call that has not answered after this long is abandoned (and retried). Default 30 s; tests shorten it. */
  requestTimeoutMs?: number;
  /** More per-try pipeline policies (metrics). */
  policies?: readonly PipelinePolicy[];
}

/** A single ARM call that has not answered after this long is abandoned (and retried). */
const defaultRequestTimeoutMs = 30_000;

function timeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: "portcullisDefaultTimeout",
    sendRequest(request, next) {
      if (request.timeout === 0) request.timeout = timeoutMs;
      return next(request);
    },
  };
}

/**
 * ARM's own error message for a failed request ("does not have authorization to perform action ..."),
 * kept because the SDK's pager replaces it with a generic one. Keyed by the request the error carries.
 */
export const armErrorMessages = new WeakMap<object, string>();

/**
 * The codes in ARM's `error.details` for a failed request (Azure's network provider answers a busy NSG with
 * `RetryableError` and `RetryableErrorDueToAnotherOperation` there), kept because the SDK's long-running writes
 * do not pass the error body on. Keyed by the request the error carries.
 */
export const armErrorDetailCodes = new WeakMap<object, string[]>();

const keepErrorMessagePolicy: PipelinePolicy = {
  name: "portcullisKeepArmErrorMessage",
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status >= 400 && response.bodyAsText) {
      try {
        const error = (JSON.parse(response.bodyAsText) as { error?: { message?: unknown; details?: unknown } }).error;
        const message = error?.message;
        if (typeof message === "string" && message !== "") armErrorMessages.set(request, message);
        const details = Array.isArray(error?.details) ? (error.details as unknown[]) : [];
        const codes = details.flatMap((d) => (typeof d === "object" && d !== null && typeof (d as { code?: unknown }).code === "string" ? [(d as { code: string }).code] : []));
        if (codes.length > 0) armErrorDetailCodes.set(request, codes);
      } catch {
        // Not JSON: nothing to keep.
      }
    }
    return response;
  },
};

export function createArmClients(
  config: Pick<Config, "armEndpoint" | "armCaCertPem" | "azureCredential">,
  options: ArmClientOptions = {},
): ArmClients {
  const credential = options.credential ?? createArmCredential(config.azureCredential, options.localIssuer);
  // One agent for every ARM call: keeps connections alive across pages, and trusts the extra CA
  // (the local emulator's self-signed certificate) on top of the system roots. TLS is always verified.
  // The trust goes in as one secure context built once, not as a `ca` option: Node's agent keys its socket
  // pools by a name that includes the whole `ca` text (about 200 KB with the system roots), built and hashed
  // on every request and every freed socket, and builds a new context per connection; that cost more CPU than
  // the NSG writes themselves in a burst of closes (bench `expiry`, ADR 018).
  const agent = new https.Agent({
    keepAlive: true,
    ...(config.armCaCertPem === undefined ? {} : { secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, config.armCaCertPem] }) }),
  });
  const clientOptions = {
    endpoint: config.armEndpoint,
    credentials: { scopes: [`${config.armEndpoint}/.default`] },
    agent,
    retryOptions: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: 300, maxRetryDelayInMs: 5_000 },
    userAgentOptions: { userAgentPrefix: "portcullis-bff" },
    additionalPolicies: [
      { policy: timeoutPolicy(options.requestTimeoutMs ?? defaultRequestTimeoutMs), position: "perRetry" as const },
      { policy: keepErrorMessagePolicy, position: "perCall" as const },
      { policy: clientRequestIdPolicy(currentRequestId), position: "perRetry" as const },
      ...(options.policies ?? []).map((policy) => ({ policy, position: "perRetry" as const })),
    ],
  };
  const computeClients = new Map<string, ComputeManagementClient>();
  const networkClients = new Map<string, NetworkManagementClient>();
  const writeClients = new Map<string, NetworkManagementClient>();
  const writeOptions = { ...clientOptions, retryOptions: { maxRetries: 0 } };
  return {
    endpoint: config.armEndpoint,
    subscriptions: new SubscriptionClient(credential, clientOptions),
    probe: new SubscriptionClient(credential, { ...clientOptions, retryOptions: { maxRetries: 0 } }),
    compute(subscriptionId) {
      let client = computeClients.get(subscriptionId);
      if (client === undefined) {
        client = new ComputeManagementClient(credential, subscriptionId, clientOptions);
        computeClients.set(subscriptionId, client);
      }
      return client;
    },
    network(subscriptionId) {
      let client = networkClients.get(subscriptionId);
      if (client === undefined) {
        client = new NetworkManagementClient(credential, subscriptionId, clientOptions);
        networkClients.set(subscriptionId, client);
      }
      return client;
    },
    networkWrites(subscriptionId) {
      let client = writeClients.get(subscriptionId);
      if (client === undefined) {
        client = new NetworkManagementClient(credential, subscriptionId, writeOptions);
        writeClients.set(subscriptionId, client);
      }
      return client;
    },
    authorization(subscriptionId) {
      return new AuthorizationManagementClient(credential, subscriptionId, clientOptions);
    },
    close() {
      agent.destroy();
    },
  };
}
