import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DEMO_TENANT_ID, FORMER_DEMO_TENANT_ID } from "./seed/demo-network.ts";
import { ESTATE_FORMAT_VERSION, type Estate } from "./store/types.ts";
import type { EmulatorLogger } from "./types.ts";

/** Bursts of writes within this window are saved once. */
const COALESCE_MS = 200;

/** The emulator's own directory under a data directory: estate, TLS material, control token (mode 0700). */
export function emulatorDir(dataDir: string): string {
  return join(dataDir, "emulator");
}

export function estateFile(dataDir: string): string {
  return join(emulatorDir(dataDir), "estate.json");
}

/** Reads a persisted estate; null when there is none. A file that is not an estate stops the start-up. */
export function loadEstate(file: string): Estate | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`The emulator estate at ${file} is not valid JSON (${(err as Error).message}); delete it to start from the seed again.`, { cause: err });
  }
  if (!isEstate(parsed)) {
    throw new Error(`The file ${file} is not an emulator estate of format ${ESTATE_FORMAT_VERSION}; delete it to start from the seed again.`);
  }
  return settleInFlightWrites(upgradeDemoTenant(parsed));
}

/** A demo estate saved before its tenant matched the local issuer's takes the issuer's tenant. */
function upgradeDemoTenant(estate: Estate): Estate {
  if (estate.tenantId !== FORMER_DEMO_TENANT_ID) return estate;
  estate.tenantId = DEMO_TENANT_ID;
  for (const subscription of estate.subscriptions) if (subscription.tenantId === FORMER_DEMO_TENANT_ID) subscription.tenantId = DEMO_TENANT_ID;
  return estate;
}

/**
 * A save can catch a write mid-flight ("Updating"/"Deleting"); on load such writes are taken as completed,
 * as they would have been had the emulator kept running.
 */
function settleInFlightWrites(estate: Estate): Estate {
  estate.networkSecurityGroups = estate.networkSecurityGroups.filter((nsg) => nsg.provisioningState !== "Deleting");
  for (const nsg of estate.networkSecurityGroups) {
    // Estates saved before the emulator modelled flushConnection.
    nsg.flushConnection = (nsg.flushConnection as boolean | undefined) ?? false;
    nsg.provisioningState = "Succeeded";
    nsg.rules = nsg.rules.filter((rule) => rule.provisioningState !== "Deleting");
    for (const rule of nsg.rules) rule.provisioningState = "Succeeded";
  }
  return estate;
}

function isEstate(value: unknown): value is Estate {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  const lists = ["subscriptions", "resourceGroups", "virtualNetworks", "networkInterfaces", "virtualMachines", "scaleSets", "networkSecurityGroups"];
  return e["formatVersion"] === ESTATE_FORMAT_VERSION && typeof e["tenantId"] === "string" && lists.every((k) => Array.isArray(e[k]));
}

/**
 * Saves the estate atomically (temp file + rename) after changes, coalescing bursts; with no file
 * (in-memory emulator) it does nothing.
 */
export class EstateSaver {
  private readonly file: string | null;
  private readonly snapshot: () => Estate;
  private readonly logger: EmulatorLogger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private dirty = false;

  constructor(file: string | null, snapshot: () => Estate, logger: EmulatorLogger) {
    this.file = file;
    this.snapshot = snapshot;
    this.logger = logger;
  }

  schedule(): void {
    if (!this.file) return;
    this.dirty = true;
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, COALESCE_MS);
    this.timer.unref();
  }

  /** Writes any pending change now and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) await this.running;
    if (this.dirty) await this.drain();
  }

  private drain(): Promise<void> {
    this.running ??= (async () => {
      while (this.dirty) {
        this.dirty = false;
        await this.write().catch((err: unknown) => this.logger.error({ err, file: this.file }, "saving the emulator estate failed"));
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async write(): Promise<void> {
    if (!this.file) return;
    const json = JSON.stringify(this.snapshot());
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temp, json, { encoding: "utf8", mode: 0o600 });
      await rename(temp, this.file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}
