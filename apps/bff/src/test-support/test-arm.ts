import type { RunningEmulator } from "@portcullis/azure-emulator";
import { createArmClients, type ArmClients } from "../lib/azure/clients.ts";

/**
 * ARM clients for a test that reads and writes an emulator started without token checks (the default), e.g.
 * one shared by BFF processes that each run their own local issuer.
 */
export function testArmClients(emulator: RunningEmulator): ArmClients {
  const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  return createArmClients({ armEndpoint: emulator.url, armCaCertPem: emulator.caCertPem, azureCredential: { kind: "local-emulator" } }, { credential });
}
