import { chmod, mkdir } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.ts";
import { acceptAnyToken } from "./arm/auth.ts";
import { createControl, parseControlInput } from "./control/control.ts";
import { controlTokenFile, createControlToken, writeControlToken } from "./control/control-token.ts";
import { seedSpecSchema } from "./control/schemas.ts";
import { EstateSaver, emulatorDir, estateFile, loadEstate } from "./persistence.ts";
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
  if (dataDir !== null) {
    // The estate, the TLS key and the control token: only this account may enter (an older directory may be wider).
    await mkdir(emulatorDir(dataDir), { recursive: true, mode: 0o700 });
    await chmod(emulatorDir(dataDir), 0o700);
  }
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

  const controlToken = createControlToken();
  const tokenFile = dataDir === null ? null : controlTokenFile(dataDir);
  if (tokenFile !== null) await writeControlToken(tokenFile, controlToken);

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
  const permissions = options.permissions === undefined ? undefined : { actions: options.permissions.actions, notActions: options.permissions.notActions ?? [] };
  server.on("request", createApp(state, control, url, controlToken, permissions));
  logger.info({ url, dataDir, estate: control.estateSummary(), restored: persisted !== null }, "Azure emulator listening");

  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    caCertPem: tls.certPem,
    control,
    controlToken,
    controlTokenFile: tokenFile,
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
