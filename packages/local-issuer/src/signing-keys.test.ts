import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSigningKey } from "./keys.ts";
import { ARM_AUDIENCE, clientCredentials, startIssuer, type RunningIssuer } from "./testing/issuer-server.ts";

let dataDir: string;
const started: RunningIssuer[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "local-issuer-"));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((running) => running.close()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(dir: string | null): Promise<RunningIssuer> {
  const running = await startIssuer({ dataDir: dir });
  started.push(running);
  return running;
}

async function appToken(running: RunningIssuer): Promise<string> {
  const { status, body } = await clientCredentials(running);
  expect(status).toBe(200);
  return String(body.access_token);
}

describe("signing keys", () => {
  it("when the issuer restarts with the same dataDir, then a token minted before still verifies", async () => {
    const before = await start(dataDir);
    const token = await appToken(before);
    await before.close();

    const after = await start(dataDir);
    const keys = createLocalJWKSet(await after.issuer.jwks());
    const { payload } = await jwtVerify(token, keys, { issuer: before.issuerId, audience: ARM_AUDIENCE });
    expect(payload.azp).toBe("portcullis-bff");
  });

  it("when there is no dataDir, then a restart brings a new key and old tokens no longer verify", async () => {
    const before = await start(null);
    const token = await appToken(before);
    const after = await start(null);
    await expect(jwtVerify(token, createLocalJWKSet(await after.issuer.jwks()))).rejects.toThrow();
  });

  it("stores the private key and the cookie keys readable by the owner only", async () => {
    await start(dataDir);
    const dir = join(dataDir, "local-issuer");
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const file of ["signing-key.json", "cookie-keys.json"]) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
    const stored = JSON.parse(await readFile(join(dir, "signing-key.json"), "utf8")) as { keys: Array<Record<string, unknown>> };
    expect(stored.keys[0]).toMatchObject({ kty: "RSA", d: expect.any(String), kid: expect.any(String) });
  });

  it("when a second key is placed first in the key file, then it signs new tokens while tokens from the old key still verify", async () => {
    const first = await start(dataDir);
    const oldToken = await appToken(first);
    await first.close();

    const file = join(dataDir, "local-issuer", "signing-key.json");
    const stored = JSON.parse(await readFile(file, "utf8")) as { keys: unknown[] };
    const rotated = await createSigningKey();
    await writeFile(file, JSON.stringify({ keys: [rotated, ...stored.keys] }), { mode: 0o600 });

    const second = await start(dataDir);
    const published = await second.issuer.jwks();
    expect(published.keys).toHaveLength(2);
    const newToken = await appToken(second);
    expect(decodeProtectedHeader(newToken).kid).toBe(rotated.kid);
    const keys = createLocalJWKSet(published);
    await expect(jwtVerify(oldToken, keys)).resolves.toBeDefined();
    await expect(jwtVerify(newToken, keys)).resolves.toBeDefined();
  });

  it("when the key file is not a private RSA key set, then the issuer refuses to start", async () => {
    await mkdir(join(dataDir, "local-issuer"), { recursive: true });
    await writeFile(join(dataDir, "local-issuer", "signing-key.json"), JSON.stringify({ keys: [{ kty: "RSA", n: "abc", e: "AQAB", kid: "public-only" }] }));
    await expect(startIssuer({ dataDir })).rejects.toThrow(/private RSA JWKs/);
  });
});
