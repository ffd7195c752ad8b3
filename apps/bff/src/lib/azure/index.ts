export { createArmClients, type ArmClients, type ArmClientOptions } from "./clients.ts";
export { createArmCredential, type LocalIssuerClient } from "./credential.ts";
export { armUnavailable } from "./arm-errors.ts";
export { readEstate, probeArm, listSubscriptions } from "./read-estate.ts";
export type { TokenCredential as ArmCredential } from "@azure/core-auth";
