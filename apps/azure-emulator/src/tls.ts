import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generate } from "selfsigned";
import { emulatorDir } from "./persistence.ts";

export interface TlsMaterial {
  keyPem: string;
  certPem: string;
}

const VALIDITY_DAYS = 825;
/** Regenerate a stored certificate that expires within this many days. */
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function tlsDir(dataDir: string): string {
  return join(emulatorDir(dataDir), "tls");
}

/** A self-signed certificate for localhost, 127.0.0.1 and ::1. */
export async function createCertificate(now = new Date()): Promise<TlsMaterial> {
  const pems = await generate([{ name: "commonName", value: "localhost" }, { name: "organizationName", value: "Portcullis Azure emulator" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { keyPem: pems.private, certPem: pems.cert };
}

function stillGood(certPem: string, now: Date): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return new Date(cert.validTo).getTime() - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS && cert.checkHost("localhost") !== undefined;
  } catch {
    return false;
  }
}

/**
 * The certificate kept in `<dataDir>/emulator/tls/` (created on first start, renewed near expiry), or a fresh
 * in-memory one when there is no data directory.
 */
export async function loadOrCreateTls(dataDir: string | null, now = new Date()): Promise<TlsMaterial> {
  if (dataDir === null) return createCertificate(now);
  const dir = tlsDir(dataDir);
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  if (existsSync(keyFile) && existsSync(certFile)) {
    const stored = { keyPem: readFileSync(keyFile, "utf8"), certPem: readFileSync(certFile, "utf8") };
    if (stillGood(stored.certPem, now)) return stored;
  }
  const fresh = await createCertificate(now);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyFile, fresh.keyPem, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await writeFile(certFile, fresh.certPem, { mode: 0o644 });
  return fresh;
}
