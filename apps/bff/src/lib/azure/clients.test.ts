import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArmClients } from "./clients.ts";

const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

async function firstSubscription(emulator: RunningEmulator, caPem: string): Promise<string | undefined> {
  const arm = createArmClients({ armEndpoint: emulator.url, armCaCertPem: caPem, azureCredential: { kind: "local-emulator" } }, { credential, maxRetries: 0 });
  try {
    for await (const subscription of arm.subscriptions.subscriptions.list()) return subscription.subscriptionId;
    return undefined;
  } finally {
    arm.close();
  }
}

describe("ARM's TLS with an extra trusted certificate (the emulator's)", () => {
  let emulator: RunningEmulator;
  let stranger: RunningEmulator;

  beforeAll(async () => {
    // Two emulators, each with its own self-signed certificate.
    [emulator, stranger] = await Promise.all([startEmulator({ dataDir: null }), startEmulator({ dataDir: null })]);
  });
  afterAll(async () => {
    await Promise.all([emulator?.stop(), stranger?.stop()]);
  });

  it("trusts the configured certificate, and refuses a server whose certificate it was not given", async () => {
    expect(await firstSubscription(emulator, emulator.caCertPem)).toMatch(/^[0-9a-f-]{36}$/);
    await expect(firstSubscription(emulator, stranger.caCertPem)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});
