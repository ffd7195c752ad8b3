import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.ts";
import { acceptAnyToken } from "./arm/auth.ts";
import { createControl, parseControlInput } from "./control/control.ts";
import { seedSpecSchema } from "./control/schemas.ts";
import { EstateSaver, estateFile, loadEstate } from "./persistence.ts";
import { seedEstate } from "./seed/index.ts";
import { createState } from "./state.ts";
import { EstateStore } from "./store/estate-store.ts";
import { loadOrCreateTls } from "./tls.ts";
import type { EmulatorLogger, EmulatorOptions, RunningEmulator } from "./types.ts";

const silentLogger: EmulatorLogger = { info() {}, warn() {}, error() {} };

/** Hosts the certificate covers; any other bind address is reported as is. */
function urlHost(host: string): string {
  if (["127.0.0.1", "::1", "localhost", "0.0.0.0", "::"].includes(host)) return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const dataDir = options.dataDir ?? null;
  const logger = options.logger ?? silentLogger;
  const tls = await loadOrCreateTls(dataDir);
  const file = dataDir === null ? null : estateFile(dataDir);
  const persisted = file === null ? null : loadEstate(file);
  const seed = parseControlInput(seedSpecSchema, options.seed ?? { kind: "demo" }, "seed");
  const store = new EstateStore(persisted ?? seedEstate(seed));
  const saver = new EstateSaver(file, () => store.data, logger);
  const state = createState({
    store,
    saver,
    logger,
    verifyToken: options.verifyToken ?? acceptAnyToken,
    config: { writeLatencyMs: 300, readLatencyMs: 0, writeRatePerSecond: null, pageSize: 100 },
  });
  const control = createControl(state);
  control.setConfig({
    ...(options.writeLatencyMs !== undefined ? { writeLatencyMs: options.writeLatencyMs } : {}),
    ...(options.readLatencyMs !== undefined ? { readLatencyMs: options.readLatencyMs } : {}),
    ...(options.writeRatePerSecond !== undefined ? { writeRatePerSecond: options.writeRatePerSecond } : {}),
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
  });
  if (persisted === null) {
    saver.schedule();
    await saver.flush();
  }

  const server = createServer({ key: tls.keyPem, cert: tls.certPem });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${urlHost(host)}:${port}`;
  server.on("request", createApp(state, control, url));
  logger.info({ url, dataDir, estate: control.estateSummary(), restored: persisted !== null }, "Azure emulator listening");

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    caCertPem: tls.certPem,
    control,
    stop() {
      stopping ??= (async () => {
        // Writes in flight finish now, so what is saved is what a client was promised.
        state.operations.completeAll();
        await saver.flush();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        logger.info({ url }, "Azure emulator stopped");
      })();
      return stopping;
    },
  };
}
