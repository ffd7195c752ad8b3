import { chmod, readFile, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import lockfile from "proper-lockfile";
import { ensurePrivateDir, privateDirMode, privateFileMode } from "../private-files.ts";

/** Thrown when another process holds the PGlite directory. */
export class DataDirLockedError extends Error {
  readonly dataDir: string;
  constructor(dataDir: string, holder: string) {
    super(
      `The PGlite data directory ${dataDir} is already in use by ${holder}. ` +
        "Only one process may open it (two would silently lose data): stop that process, " +
        "set DATA_DIR to another directory, or set DATABASE_URL to share PostgreSQL between processes.",
    );
    this.name = "DataDirLockedError";
    this.dataDir = dataDir;
  }
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

export interface DataDirLock {
  release(): Promise<void>;
}

/** The lock refreshes its mtime every `update` ms; a lock older than `stale` ms is taken over. */
const lockTiming = { stale: 20_000, update: 2_500 };
/**
 * A lock younger than this may belong to a process that has just taken it and not yet written
 * its holder file, so a dead holder recorded there does not prove the lock is abandoned.
 */
const freshLockMs = 2_000;

function lockPath(dataDir: string): string {
  return `${dataDir}.lock`;
}

function holderPath(dataDir: string): string {
  return `${dataDir}.holder.json`;
}

async function readHolder(dataDir: string): Promise<Holder | undefined> {
  try {
    return JSON.parse(await readFile(holderPath(dataDir), "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function tryLock(dataDir: string, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  return lockfile.lock(dataDir, {
    ...lockTiming,
    realpath: false,
    retries: 0,
    lockfilePath: lockPath(dataDir),
    onCompromised,
  });
}

/**
 * Holds an exclusive, cross-process lock on a PGlite directory for as long as the process uses it.
 * A lock left by a killed process is taken over: within seconds when its holder was on this host and
 * is gone, otherwise once it is stale (not refreshed for 20 s).
 */
export async function lockDataDir(dataDir: string, onCompromised: (error: Error) => void): Promise<DataDirLock> {
  await ensurePrivateDir(dataDir);
  let release: () => Promise<void>;
  try {
    release = await tryLock(dataDir, onCompromised);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    const holder = await readHolder(dataDir);
    const lockAgeMs = await stat(lockPath(dataDir)).then((s) => Date.now() - s.mtimeMs, () => Infinity);
    const gone =
      holder !== undefined &&
      holder.host === hostname() &&
      holder.pid !== process.pid &&
      !isAlive(holder.pid) &&
      lockAgeMs >= freshLockMs;
    if (!gone) {
      const who = holder === undefined ? "another process" : `process ${holder.pid} on host ${holder.host} (since ${holder.since})`;
      throw new DataDirLockedError(dataDir, who);
    }
    await rmdir(lockPath(dataDir)).catch(() => undefined);
    release = await tryLock(dataDir, onCompromised);
  }
  // proper-lockfile makes its lock directory with the umask's mode; nothing outside the account needs to see it.
  await chmod(lockPath(dataDir), privateDirMode);
  const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await writeFile(holderPath(dataDir), `${JSON.stringify(holder)}\n`, { mode: privateFileMode });
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await rm(holderPath(dataDir), { force: true });
      await release();
    },
  };
}
