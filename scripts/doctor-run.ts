import { startEmulator } from "@portcullis/azure-emulator";
import { createLocalArmTokenVerifier, loadConfig, loadLauncherConfig, runDoctorFor, type Finding } from "@portcullis/bff";

/**
 * The doctor for this environment: against the configured Azure, or (none configured) against an in-memory emulator
 * with the demo estate, trusting the doctor's own local issuer as `npm start` trusts the BFF's, with the identity's
 * permissions from EMULATOR_ARM_ACTIONS when set.
 */
export async function doctorFromEnv(env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const launcher = loadLauncherConfig(env);
  if (launcher.azureConfigured) return runDoctorFor(loadConfig(env));
  const armTokens = createLocalArmTokenVerifier();
  const actions = launcher.emulatorArmActions;
  const emulator = await startEmulator({ dataDir: null, verifyToken: (token) => armTokens.verify(token), ...(actions === undefined ? {} : { permissions: { actions } }) });
  try {
    const config = loadConfig({ ...env, ARM_ENDPOINT: emulator.url }, { armCaCertPem: emulator.caCertPem });
    return await runDoctorFor(config, { beforeChecks: ({ localIssuer }) => armTokens.bind(localIssuer, emulator.url) });
  } finally {
    await emulator.stop();
  }
}
