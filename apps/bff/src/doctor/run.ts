import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createArmClients, createArmCredential } from "../lib/azure/index.ts";
import { startLocalSignIn, type LocalIssuerInfo } from "../lib/auth/local-sign-in.ts";
import type { Config } from "../lib/config.ts";
import { runDoctor, type Finding } from "./doctor.ts";

export interface DoctorRunOptions {
  /**
   * Local mode: called once the doctor's own local issuer runs, before any ARM call (the emulator must trust its
   * tokens, as `npm start` binds them for the BFF).
   */
  beforeChecks?: (local: { localIssuer: LocalIssuerInfo }) => void;
}

/**
 * Runs the doctor with the configuration's own credential. For the local emulator that credential is a client of the
 * BFF's local issuer, so the doctor runs one (in memory, on a loopback port) for the length of the checks.
 */
export async function runDoctorFor(config: Config, options: DoctorRunOptions = {}): Promise<Finding[]> {
  if (config.azureCredential.kind !== "local-emulator") {
    const credential = createArmCredential(config.azureCredential);
    const arm = createArmClients(config, { credential });
    try {
      return await runDoctor({ config, credential, arm });
    } finally {
      arm.close();
    }
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const local = await startLocalSignIn({ publicUrl, dataDir: null, armAudience: config.armEndpoint });
  server.on("request", (req, res) => {
    // Mounted at /oidc as the BFF mounts it (the handler sees the path below it).
    if (/^\/oidc(?:[/?]|$)/.test(req.url ?? "")) {
      req.url = (req.url ?? "").slice("/oidc".length) || "/";
      local.handler(req, res);
    } else res.writeHead(404).end();
  });
  try {
    options.beforeChecks?.({ localIssuer: local.info });
    const credential = createArmCredential(config.azureCredential, local.armClient);
    const arm = createArmClients(config, { credential });
    try {
      return await runDoctor({ config, credential, arm });
    } finally {
      arm.close();
    }
  } finally {
    await local.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The findings as lines for a terminal: a mark, the check, what was seen, and the fix under a failed one. */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.flatMap((f) => [`${f.ok ? "ok  " : "FAIL"}  ${f.check}: ${f.detail}`, ...(f.ok || f.fix === undefined ? [] : [`      fix: ${f.fix}`])]);
  const failed = findings.filter((f) => !f.ok).length;
  lines.push(failed === 0 ? `All ${findings.length} checks hold.` : `${failed} of ${findings.length} checks failed.`);
  return lines.join("\n");
}
