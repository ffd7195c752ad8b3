import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmod, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { ArmError } from "../arm/errors.ts";
import { emulatorDir } from "../persistence.ts";

/** Where a started emulator with a data directory keeps its control token (mode 0600, rewritten at every start). */
export function controlTokenFile(dataDir: string): string {
  return join(emulatorDir(dataDir), "control-token");
}

/** A fresh random token per start: whoever can fault-inject or reset the estate must have been told it. */
export function createControlToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Writes the token for local tools (tests, e2e) to read: a temp file of mode 0600, then renamed over the old one. */
export async function writeControlToken(file: string, token: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${token}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const bearer = /^Bearer\s+(\S+)\s*$/i;

function sameToken(given: string, expected: Buffer): boolean {
  const buffer = Buffer.from(given, "utf8");
  return buffer.length === expected.length && timingSafeEqual(buffer, expected);
}

/**
 * The control endpoint's lock: `Authorization: Bearer <token>` or `x-emulator-token: <token>`, else ARM-style
 * 401. ARM's own paths keep their own (OAuth) token check.
 */
export function requireControlToken(token: string): RequestHandler {
  const expected = Buffer.from(token, "utf8");
  return (req, _res, next) => {
    const given = req.get("x-emulator-token") ?? bearer.exec(req.get("authorization") ?? "")?.[1];
    if (given === undefined || !sameToken(given.trim(), expected)) {
      throw new ArmError(401, "AuthenticationFailed", "The emulator's control endpoint needs its control token: send 'Authorization: Bearer <token>' or 'x-emulator-token: <token>' (the token is generated at each start, see RunningEmulator.controlToken or <data dir>/emulator/control-token).", {
        headers: { "WWW-Authenticate": 'Bearer realm="azure-emulator-control"' },
      });
    }
    next();
  };
}
