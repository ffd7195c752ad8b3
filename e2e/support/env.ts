import { join } from "node:path";

/** Where the app under test listens and keeps its state; fixed per run by playwright.config.ts. */
export function e2eEnv() {
  const port = Number(process.env.PORTCULLIS_E2E_PORT ?? 8181);
  const emulatorPort = Number(process.env.PORTCULLIS_E2E_EMULATOR_PORT ?? 8553);
  const dataDir = process.env.PORTCULLIS_E2E_DATA_DIR ?? join(process.cwd(), ".tmp", "e2e-data");
  return { port, emulatorPort, dataDir, baseUrl: `http://localhost:${port}`, emulatorUrl: `https://localhost:${emulatorPort}` };
}
