import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { TokenCredential } from "@azure/core-auth";
import type { RunningEmulator } from "../types.ts";

/** Any token will do: the emulator accepts every bearer token by default. */
export const testCredential: TokenCredential = {
  getToken: async () => ({ token: "emulator-test-token", expiresOnTimestamp: Date.now() + 60 * 60 * 1000 }),
};

export interface SdkClients {
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
  subscriptions: SubscriptionClient;
}

/**
 * The real SDK clients pointed at the emulator. TLS trust for the emulator's self-signed certificate goes
 * through the pipeline's `tlsOptions` (the SDK's tlsPolicy sets request.tlsSettings.ca), never a global switch.
 * `maxRetries` defaults to 0 so tests see 429s and 5xx themselves instead of the SDK retrying them.
 */
export function sdkClients(emulator: RunningEmulator, subscriptionId: string, options: { maxRetries?: number } = {}): SdkClients {
  const clientOptions = {
    endpoint: emulator.url,
    credentials: { scopes: ["https://management.azure.com/.default"] },
    tlsOptions: { ca: emulator.caCertPem },
    retryOptions: { maxRetries: options.maxRetries ?? 0 },
  };
  return {
    network: new NetworkManagementClient(testCredential, subscriptionId, clientOptions),
    compute: new ComputeManagementClient(testCredential, subscriptionId, clientOptions),
    subscriptions: new SubscriptionClient(testCredential, clientOptions),
  };
}

/** Collects a paged SDK listing, counting the pages it took. */
export async function collectPages<T>(iterator: { byPage(): AsyncIterableIterator<T[]> }): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  for await (const page of iterator.byPage()) {
    pages += 1;
    items.push(...page);
  }
  return { items, pages };
}
