/**
 * CLI: node apps/azure-emulator/src/main.ts [--port 8443] [--host 127.0.0.1] [--data-dir ./data]
 *      [--seed demo|empty|large] [--vms N --nsgs N] [--write-latency-ms N]
 * Prints the URL, the certificate path and where the control token is; stops cleanly on SIGINT/SIGTERM.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { startEmulator } from "./emulator.ts";
import { tlsDir } from "./tls.ts";
import type { SeedSpec } from "./types.ts";

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

function seedOf(kind: string | undefined, vms: number | undefined, nsgs: number | undefined): SeedSpec | undefined {
  if (kind === undefined) return undefined;
  if (kind === "demo" || kind === "empty") return { kind };
  if (kind === "large") return { kind, vms: vms ?? 10_000, nsgs: nsgs ?? 2_000 };
  throw new Error(`--seed must be demo, empty or large, got '${kind}'`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8443" },
      host: { type: "string", default: "127.0.0.1" },
      "data-dir": { type: "string" },
      seed: { type: "string" },
      vms: { type: "string" },
      nsgs: { type: "string" },
      "write-latency-ms": { type: "string" },
    },
    strict: true,
  });
  // Synchronous output keeps log lines in order and complete when the process exits on a signal.
  const logger = pino({ name: "azure-emulator" }, pino.destination({ dest: 1, sync: true }));
  const dataDir = values["data-dir"] ? resolve(values["data-dir"]) : null;
  const seed = seedOf(values.seed, integer(values.vms, "vms"), integer(values.nsgs, "nsgs"));
  const writeLatencyMs = integer(values["write-latency-ms"], "write-latency-ms");
  const emulator = await startEmulator({
    host: values.host,
    port: integer(values.port, "port") ?? 8443,
    dataDir,
    logger,
    ...(seed ? { seed } : {}),
    ...(writeLatencyMs !== undefined ? { writeLatencyMs } : {}),
  });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, "stopping");
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  // Printed only once the signal handlers are in place, so whoever waits for this line can stop us cleanly.
  console.log(`Azure emulator listening on ${emulator.url}`);
  if (dataDir) console.log(`Trust this certificate: ${join(tlsDir(dataDir), "cert.pem")}`);
  // The control endpoint's token: in the data directory (0600) when there is one; otherwise only here, on the
  // operator's own terminal, since nothing else could ever learn it.
  if (emulator.controlTokenFile !== null) console.log(`Control endpoint token (/_emulator/...): ${emulator.controlTokenFile}`);
  else console.log(`Control endpoint token (/_emulator/...): ${emulator.controlToken}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
