import pg from "pg";
import { UpstreamUnavailableError } from "../errors.ts";
import { KeyedMutex, LockTimeoutError } from "./keyed-mutex.ts";

/**
 * Serialises changes per VM and per NSG. In one process a keyed mutex does it; with PostgreSQL (several BFF
 * replicas) session advisory locks on one dedicated connection per operation do it across processes:
 * `pg_try_advisory_lock` for VMs (an operation on a VM that another one is changing fails at once) and
 * `pg_advisory_lock(hashtextextended(<nsg id>, 0))` for NSGs (writes to one NSG queue up).
 */
export interface NsgLockManager {
  /** Opens the locks of one operation; always `release()` it (a `finally`). */
  open(): Promise<LockSession>;
  /** Closes the dedicated connections (PostgreSQL). */
  close(): Promise<void>;
}

export interface LockSession {
  /** Claims every VM without waiting. Returns the ids another operation holds; then nothing is claimed. */
  tryClaimVms(vmIds: readonly string[]): Promise<string[]>;
  /** Waits for every NSG (in a fixed order, so two operations never deadlock) until `deadline` (epoch ms). */
  lockNsgs(nsgIds: readonly string[], deadline: number): Promise<void>;
  /** Lets the NSGs go (other operations may write them) while keeping the VM claims. */
  releaseNsgs(): Promise<void>;
  /** Lets everything go. Safe to call twice. */
  release(): Promise<void>;
}

export { LockTimeoutError };

/** No connection for the shared locks within its timeout: this process has too many operations waiting. */
export class LocksBusyError extends UpstreamUnavailableError {}

const vmKey = (vmId: string): string => `portcullis:vm:${vmId.toLowerCase()}`;
const nsgKey = (nsgId: string): string => nsgId.toLowerCase();

/** What a session keeps across processes; the in-process part is the same for both engines. */
interface SharedLocks {
  tryLock(key: string): Promise<boolean>;
  lock(key: string, deadline: number): Promise<void>;
  unlock(key: string): Promise<void>;
  end(): Promise<void>;
}

const noSharedLocks: SharedLocks = {
  tryLock: async () => true,
  lock: async () => undefined,
  unlock: async () => undefined,
  end: async () => undefined,
};

/** PostgreSQL's code for a lock wait cut short by `lock_timeout`. */
const lockNotAvailable = "55P03";

function postgresLocks(client: pg.PoolClient): SharedLocks {
  let broken = false;
  const run = async <T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<T>> => {
    try {
      return await client.query<T>(text, values);
    } catch (error) {
      if ((error as { code?: unknown }).code === lockNotAvailable) throw error;
      broken = true;
      throw new UpstreamUnavailableError(`PostgreSQL failed while taking a lock: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    async tryLock(key) {
      const result = await run<{ ok: boolean }>("select pg_try_advisory_lock(hashtextextended($1, 0)) as ok", [key]);
      return result.rows[0]?.ok === true;
    },
    async lock(key, deadline) {
      const waitMs = Math.max(1, Math.floor(deadline - Date.now()));
      // lock_timeout bounds the wait on the server; set per lock because the deadline moves.
      await run("select set_config('lock_timeout', $1, false)", [`${waitMs}ms`]);
      try {
        await run("select pg_advisory_lock(hashtextextended($1, 0))", [key]);
      } catch (error) {
        if ((error as { code?: unknown }).code === lockNotAvailable) throw new LockTimeoutError(key);
        throw error;
      }
    },
    async unlock(key) {
      await run("select pg_advisory_unlock(hashtextextended($1, 0))", [key]);
    },
    async end() {
      if (!broken) {
        try {
          await client.query("select pg_advisory_unlock_all()");
        } catch {
          broken = true;
        }
      }
      // A connection in an unknown state may still hold locks: destroying it lets the server drop them.
      client.release(broken);
    },
  };
}

/**
 * One operation's locks. In-process locks come first; the connection for the shared ones is taken only once those
 * are held, so operations queued behind one NSG in this process wait on its mutex and hold no pooled connection
 * (a slow NSG must not starve every other NSG's operations of connections).
 */
function createSession(local: { vms: KeyedMutex; nsgs: KeyedMutex }, connect: () => Promise<SharedLocks>): LockSession {
  const vmReleases: Array<{ key: string; release: () => void }> = [];
  const nsgReleases: Array<{ key: string; release: () => void; shared: boolean }> = [];
  let ended = false;
  let connected: Promise<SharedLocks> | undefined;
  const sharedLocks = (): Promise<SharedLocks> => (connected ??= connect());
  const shared: SharedLocks = {
    tryLock: async (key) => (await sharedLocks()).tryLock(key),
    lock: async (key, deadline) => (await sharedLocks()).lock(key, deadline),
    unlock: async (key) => (await sharedLocks()).unlock(key),
    end: async () => {
      if (connected === undefined) return;
      await (await connected.catch(() => noSharedLocks)).end();
    },
  };

  async function releaseNsgs(): Promise<void> {
    while (nsgReleases.length > 0) {
      const held = nsgReleases.pop();
      if (held === undefined) break;
      try {
        if (held.shared) await shared.unlock(held.key);
      } finally {
        held.release();
      }
    }
  }

  return {
    async tryClaimVms(vmIds) {
      const keys = [...new Set(vmIds.map(vmKey))].sort();
      const busy: string[] = [];
      const taken: Array<{ key: string; release: () => void }> = [];
      for (const key of keys) {
        const release = local.vms.tryAcquire(key);
        if (release === null) busy.push(key);
        else taken.push({ key, release });
      }
      const sharedTaken: Array<{ key: string; release: () => void }> = [];
      if (busy.length === 0) {
        for (const claim of taken) {
          if (!(await shared.tryLock(claim.key))) {
            busy.push(claim.key);
            break;
          }
          sharedTaken.push(claim);
        }
      }
      if (busy.length > 0) {
        for (const claim of sharedTaken) await shared.unlock(claim.key);
        for (const claim of taken) claim.release();
      } else {
        vmReleases.push(...taken);
      }
      return busy.map((key) => key.slice(vmKey("").length));
    },
    async lockNsgs(nsgIds, deadline) {
      const keys = [...new Set(nsgIds.map(nsgKey))].sort();
      // Every in-process lock first, then the shared ones, both in key order: no cycle can form.
      const locals: Array<{ key: string; release: () => void; shared: boolean }> = [];
      try {
        for (const key of keys) locals.push({ key, release: await local.nsgs.acquire(key, deadline), shared: false });
        for (const held of locals) {
          await shared.lock(held.key, deadline);
          held.shared = true;
        }
        nsgReleases.push(...locals);
      } catch (error) {
        for (const held of locals.reverse()) {
          if (held.shared) await shared.unlock(held.key).catch(() => undefined);
          held.release();
        }
        throw error;
      }
    },
    releaseNsgs,
    async release() {
      if (ended) return;
      ended = true;
      try {
        await releaseNsgs();
      } finally {
        for (const claim of vmReleases.splice(0)) claim.release();
        await shared.end();
      }
    },
  };
}

export interface NsgLockOptions {
  /** PostgreSQL to hold the cross-process locks in (DATABASE_URL); absent for PGlite (one process only). */
  postgresUrl?: string;
  /** Operations holding locks at once across this process (one connection each); default 8. */
  maxSessions?: number;
}

export function createNsgLockManager(options: NsgLockOptions = {}): NsgLockManager {
  const local = { vms: new KeyedMutex(), nsgs: new KeyedMutex() };
  const pool =
    options.postgresUrl === undefined
      ? null
      : new pg.Pool({ connectionString: options.postgresUrl, max: options.maxSessions ?? 8, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection emits 'error'; without a listener that would end the process.
  pool?.on("error", () => undefined);
  return {
    async open() {
      if (pool === null) return createSession(local, async () => noSharedLocks);
      return createSession(local, async () => {
        try {
          return postgresLocks(await pool.connect());
        } catch (error) {
          // Every lock connection is in use: the operation waits its turn (a close is retried shortly).
          throw new LocksBusyError(`PostgreSQL gave no connection for locks: ${(error as Error).message}`, { cause: error });
        }
      });
    },
    async close() {
      await pool?.end();
    },
  };
}
