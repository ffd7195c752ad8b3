import { resolve } from "node:path";
import { z } from "zod";
import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import { ConfigError, createLocalArmTokenVerifier, createLogger, listeningReach, loadConfig, startBff, type RunningBff } from "@portcullis/bff";

/** Settings of the launcher itself; the BFF parses its own (apps/bff/src/lib/config.ts). */
const LauncherEnvSchema = z.object({
  DATA_DIR: z.string().min(1).default("./data"),
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOG_LEVEL: z.string().default("info"),
});

export interface LocalStack {
  bff: RunningBff;
  emulator: RunningEmulator | null;
  /** Who can reach the BFF (HOST; 127.0.0.1 by default with local sign-in), in words for the banner. */
  reach: string;
  stop(): Promise<void>;
}

/** Azure counts as configured when any of these is set; otherwise the local emulator stands in for it. */
const azureSettings = ["ARM_ENDPOINT", "AZURE_CLIENT_ID", "AZURE_USE_MANAGED_IDENTITY"] as const;

/**
 * EMULATOR_ARM_ACTIONS: the RBAC actions the emulator grants the BFF's identity (comma-separated, `*` wildcards),
 * to try a restricted role locally (requests needing another get ARM's 403 AuthorizationFailed); unset: every action.
 */
export function emulatorPermissions(env: NodeJS.ProcessEnv): { actions: string[] } | undefined {
  const raw = (env["EMULATOR_ARM_ACTIONS"] ?? "").trim();
  if (raw === "") return undefined;
  return { actions: raw.split(",").map((a) => a.trim()).filter((a) => a !== "") };
}

export function azureIsConfigured(env: NodeJS.ProcessEnv): boolean {
  return azureSettings.some((name) => (env[name] ?? "").trim() !== "");
}

/** Starts the emulator (when no Azure is configured) and the BFF, in this process. */
export async function startLocalStack(env: NodeJS.ProcessEnv, log: (message: string) => void): Promise<LocalStack> {
  const launcher = LauncherEnvSchema.safeParse(env);
  if (!launcher.success) {
    const problems = launcher.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(problems);
  }
  const dataDir = resolve(launcher.data.DATA_DIR);
  let emulator: RunningEmulator | null = null;
  let bffEnv: Record<string, string | undefined> = { ...env, DATA_DIR: dataDir };
  let overrides = {};
  // The emulator checks the BFF's ARM tokens against the BFF's local issuer, which exists only once the BFF
  // has started (after the emulator): the verifier refuses every token until it is bound below.
  const armTokens = createLocalArmTokenVerifier();
  if (!azureIsConfigured(env)) {
    const logger = createLogger(launcher.data.LOG_LEVEL === "silent" ? "silent" : "warn").child({ component: "azure-emulator" });
    const permissions = emulatorPermissions(env);
    emulator = await startEmulator({ dataDir, port: launcher.data.EMULATOR_PORT, logger, verifyToken: (token) => armTokens.verify(token), ...(permissions === undefined ? {} : { permissions }) });
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
