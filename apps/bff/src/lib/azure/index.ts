export { createArmClients, type ArmClients, type ArmClientOptions } from "./clients.ts";
export { createArmCredential, localEmulatorToken } from "./credential.ts";
export { armUnavailable } from "./arm-errors.ts";
export { readEstate, probeArm, listSubscriptions } from "./read-estate.ts";
