import { startEmulator, type SeedSpec } from "@portcullis/azure-emulator";
import { createLocalArmTokenVerifier } from "@portcullis/bff";
import { signInAs } from "@portcullis/bff/testing";
import { assembleTestBff, type InProcessBff, type TestEmulator } from "@portcullis/bff/testing";

/** The estate of the scale target. */
export const largeEstate = { kind: "large", vms: 10_000, nsgs: 2_000 } as const satisfies SeedSpec;
export const adminUser = "admin@contoso.test";

/**
 * One benchmark client sends thousands of requests a minute as one user; the production limits (600 per user
 * per minute) would answer most of them 429 and the numbers would measure the limiter.
 */
export const benchRateLimitPerMinute = 1_000_000;

export interface EmulatorTiming {
  /** Added to every ARM read. */
  readLatencyMs: number;
  /** How long a write's long-running operation stays in progress. */
  writeLatencyMs: number;
}

/** The emulator in memory with the large estate, checking the BFF's ARM tokens as ARM does (bound per BFF). */
export async function startLargeEmulator(timing: EmulatorTiming): Promise<TestEmulator> {
  const armTokens = createLocalArmTokenVerifier();
  const emulator = await startEmulator({
    dataDir: null,
    seed: largeEstate,
    readLatencyMs: timing.readLatencyMs,
    writeLatencyMs: timing.writeLatencyMs,
    verifyToken: (token) => armTokens.verify(token),
  });
  return { ...emulator, armTokens };
}

/** A fresh BFF in this process (in-memory PGlite, its own local issuer, a random port), trusted by the emulator. */
export function startBenchBff(emulator: TestEmulator, options: { webDistDir?: string } = {}): Promise<InProcessBff> {
  const limit = String(benchRateLimitPerMinute);
  return assembleTestBff(emulator, {
    env: { RATE_LIMIT_PER_USER_PER_MINUTE: limit, RATE_LIMIT_PER_IP_PER_MINUTE: limit },
    ...(options.webDistDir === undefined ? {} : { webDistDir: options.webDistDir }),
  });
}

/** An API token of the demo admin, signed in through the BFF's local issuer as the SPA does. */
export function adminToken(bff: InProcessBff): Promise<string> {
  return signInAs(bff, adminUser);
}
