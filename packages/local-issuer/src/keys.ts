import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import type { PublicJwks } from "./types.ts";

/** Private RSA signing keys; the first one signs, all of them are published (so a key can be rotated in). */
export interface SigningKeySet {
  keys: JWK[];
}

export interface IssuerSecrets {
  signing: SigningKeySet;
  cookieKeys: string[];
}

const PUBLIC_RSA_MEMBERS = ["kty", "kid", "use", "alg", "n", "e"] as const;

export const SIGNING_KEY_FILE = "signing-key.json";
export const COOKIE_KEYS_FILE = "cookie-keys.json";

export async function createSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: "RS256", use: "sig" };
}

function createCookieKey(): string {
  return randomBytes(32).toString("base64url");
}

export function publicJwks(signing: SigningKeySet): PublicJwks {
  return {
    keys: signing.keys.map((key) => Object.fromEntries(PUBLIC_RSA_MEMBERS.flatMap((name) => (key[name] === undefined ? [] : [[name, key[name]]])))),
  };
}

function parseSigningKeys(raw: unknown, path: string): SigningKeySet {
  // A bare JWK is accepted too; we always write a JWK Set.
  const candidates: unknown[] = isRecord(raw) && Array.isArray(raw.keys) ? raw.keys : [raw];
  const keys = candidates.map((candidate) => {
    if (!isRecord(candidate) || candidate.kty !== "RSA" || typeof candidate.d !== "string" || typeof candidate.kid !== "string" || typeof candidate.n !== "string") {
      throw new Error(`${path} must hold private RSA JWKs with a kid`);
    }
    return { ...(candidate as JWK), alg: "RS256", use: "sig" };
  });
  if (keys.length === 0) throw new Error(`${path} holds no keys`);
  return { keys };
}

function parseCookieKeys(raw: unknown, path: string): string[] {
  if (!isRecord(raw) || !Array.isArray(raw.keys) || raw.keys.length === 0 || !raw.keys.every((key) => typeof key === "string" && key.length >= 32)) {
    throw new Error(`${path} must hold { "keys": [<random string of 32+ characters>, ...] }`);
  }
  return raw.keys as string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** Reads a secret JSON file, or creates it (mode 0600, never overwriting one another process just wrote). */
async function loadOrCreate<T>(path: string, create: () => Promise<unknown>, parse: (raw: unknown, path: string) => T): Promise<T> {
  try {
    return parse(JSON.parse(await readFile(path, "utf8")), path);
  } catch (error) {
    if (!isErrno(error, "ENOENT")) throw error;
  }
  const fresh = await create();
  try {
    await writeFile(path, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    return parse(fresh, path);
  } catch (error) {
    if (!isErrno(error, "EEXIST")) throw error;
    return parse(JSON.parse(await readFile(path, "utf8")), path);
  }
}

/** Keys in `<dataDir>/local-issuer/` (created 0700, files 0600), or fresh in-memory keys when dataDir is null. */
export async function loadIssuerSecrets(dataDir: string | null): Promise<IssuerSecrets> {
  if (dataDir === null) {
    return { signing: { keys: [await createSigningKey()] }, cookieKeys: [createCookieKey()] };
  }
  const dir = join(dataDir, "local-issuer");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // A directory left by an older version (or made by hand) may be wider: the keys sign every token.
  await chmod(dir, 0o700);
  const signing = await loadOrCreate(join(dir, SIGNING_KEY_FILE), async () => ({ keys: [await createSigningKey()] }), parseSigningKeys);
  const cookieKeys = await loadOrCreate(join(dir, COOKIE_KEYS_FILE), async () => ({ keys: [createCookieKey()] }), parseCookieKeys);
  return { signing, cookieKeys };
}
