import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import { createLocalArmTokenVerifier, createLogger, listeningReach, loadConfig, loadLauncherConfig, startBff, type RunningBff } from "@portcullis/bff";

export interface LocalStack {
  bff: RunningBff;
  emulator: RunningEmulator | null;
  /** Who can reach the BFF (HOST; 127.0.0.1 by default with local sign-in), in words for the banner. */
  reach: string;
  stop(): Promise<void>;
}

/** Starts the emulator (when no Azure is configured) and the BFF, in this process. */
export async function startLocalStack(env: NodeJS.ProcessEnv, log: (message: string) => void): Promise<LocalStack> {
  // The launcher's settings are parsed by the BFF's configuration (one schema for every variable).
  const launcher = loadLauncherConfig(env);
  const dataDir = launcher.dataDir;
  let emulator: RunningEmulator | null = null;
  let bffEnv: Record<string, string | undefined> = { ...env, DATA_DIR: dataDir };
  let overrides = {};
  // The emulator checks the BFF's ARM tokens against the BFF's local issuer, which exists only once the BFF
  // has started (after the emulator): the verifier refuses every token until it is bound below.
  const armTokens = createLocalArmTokenVerifier();
  if (!launcher.azureConfigured) {
    const logger = createLogger(launcher.logLevel === "silent" ? "silent" : "warn").child({ component: "azure-emulator" });
    const actions = launcher.emulatorArmActions;
    emulator = await startEmulator({ dataDir, port: launcher.emulatorPort, logger, verifyToken: (token) => armTokens.verify(token), ...(actions === undefined ? {} : { permissions: { actions } }) });
    log(`Azure emulator (demo estate) at ${emulator.url}; its control endpoint's token is in ${emulator.controlTokenFile ?? "memory only"}`);
    bffEnv = { ...bffEnv, ARM_ENDPOINT: emulator.url };
    overrides = { armCaCertPem: emulator.caCertPem };
  }
  try {
    const config = loadConfig(bffEnv, overrides);
    const running = emulator;
    // The emulator trusts the BFF's tokens before the BFF's start-up work (the reconciler's run, closing grants that
    // ended while it was down), so that work goes through at once instead of failing with 401 first.
    const bff = await startBff(config, {
      beforeStartupWork({ localIssuer }) {
        if (running === null) return;
        if (localIssuer === null) log("The Azure emulator refuses every token: the BFF runs no local issuer (Entra ID sign-in is configured).");
        else armTokens.bind(localIssuer, running.url);
      },
    });
    if (bff.localIssuer !== null) log(`Local sign-in at ${bff.publicUrl} (demo users, e.g. admin@contoso.test / Portcullis!demo1)`);
    return {
      bff,
      emulator,
      reach: listeningReach(config).message,
      async stop() {
        await bff.stop();
        await emulator?.stop();
      },
    };
  } catch (error) {
    await emulator?.stop();
    throw error;
  }
}
