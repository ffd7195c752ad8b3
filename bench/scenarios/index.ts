import type { Scenario } from "../harness/types.ts";
import { auditScenario } from "./audit.ts";
import { burstScenario } from "./burst.ts";
import { cliScenario } from "./cli.ts";
import { expiryReplicasScenario, expiryScenario } from "./expiry.ts";
import { inventoryScenario } from "./inventory.ts";
import { overheadScenario } from "./overhead.ts";
import { writesScenario } from "./writes.ts";
import { portalScenario } from "./portal.ts";

/** Every scenario, in the order `npm run bench` runs them. */
export const scenarios: readonly Scenario[] = [inventoryScenario, portalScenario, auditScenario, overheadScenario, cliScenario, writesScenario, burstScenario, expiryScenario, expiryReplicasScenario];
