import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { Express } from "express";
import { classifyVms } from "@portcullis/core";
import { createApp } from "./app.ts";
import { createInventoryService, type InventoryService } from "./inventory/service.ts";
import { createPolicyIdsRepository } from "./inventory/policy-ids-repository.ts";
import { createArmClients, probeArm, readEstate, type ArmClients } from "./lib/azure/index.ts";
import { describeConfig, type Config } from "./lib/config.ts";
import { databaseTargetFromConfig, openDatabase, pingDatabase, type Database } from "./lib/db/database.ts";
import { migrateToLatest } from "./lib/db/migrate.ts";
import { createLogger, type Logger } from "./lib/logger.ts";

export interface StartBffOptions {
  logger?: Logger;
  /** Directory of the built SPA; null serves none (default: apps/web/dist when built). */
  webDistDir?: string | null;
}

export interface RunningBff {
  /** Where the BFF listens, e.g. http://localhost:8080. */
  url: string;
  port: number;
  /** Stops taking requests, lets those under way finish (up to 5 s), closes ARM connections and the database. */
  stop(): Promise<void>;
}

/** The app and the services behind it, wired to an open (and migrated) database. */
export interface AssembledBff {
  app: Express;
  inventory: InventoryService;
  arm: ArmClients;
}

/** How long stop() lets requests under way finish before closing their connections. */
const drainMs = 5_000;
/** Readiness gives ARM this long to answer the first page of subscriptions. */
const armProbeTimeoutMs = 3_000;

/** Builds the ARM clients, the services and the Express app. The caller owns `database`. */
export function assembleBff(
  config: Config,
  database: Database,
  options: { logger: Logger; webDistDir?: string | null },
): AssembledBff {
  const { logger } = options;
  const arm = createArmClients(config);
  const inventory = createInventoryService({
    readEstate: () => readEstate(arm, config.subscriptionIds, logger),
    policyIds: createPolicyIdsRepository(database.kysely),
    classify: classifyVms,
    ttlMs: config.inventoryTtlSeconds * 1000,
    logger,
  });
  const app = createApp({
    logger,
    inventory,
    trustProxy: config.trustProxy,
    readyChecks: {
      database: () => pingDatabase(database),
      arm: () => probeArm(arm, armProbeTimeoutMs),
    },
    ...(options.webDistDir === undefined ? {} : { webDistDir: options.webDistDir }),
  });
  return { app, inventory, arm };
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Opens and migrates the database, wires ARM and the app, and listens. */
export async function startBff(config: Config, options: StartBffOptions = {}): Promise<RunningBff> {
  const logger = options.logger ?? createLogger(config.logLevel);
  logger.info({ config: describeConfig(config) }, "starting the BFF");
  const database = await openDatabase(databaseTargetFromConfig(config), {
    logger,
    onLockCompromised: (error) => {
      // Running on without the lock risks two writers on one PGlite directory: stop instead.
      logger.fatal({ err: error }, "lost the lock on the PGlite data directory");
      throw error;
    },
  });
  let arm: ArmClients | undefined;
  try {
    await migrateToLatest(database, logger);
    const assembled = assembleBff(config, database, { ...options, logger });
    arm = assembled.arm;
    const server = createServer(assembled.app);
    const address = await listen(server, config.port, config.host);
    const url = `http://${urlHost(config.host)}:${address.port}`;
    logger.info({ url }, "BFF listening");
    let stopping: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      stop: () =>
        (stopping ??= (async () => {
          logger.info("stopping the BFF");
          await closeServer(server);
          assembled.arm.close();
          await database.close();
          logger.info("BFF stopped");
        })()),
    };
  } catch (error) {
    arm?.close();
    await database.close();
    throw error;
  }
}
