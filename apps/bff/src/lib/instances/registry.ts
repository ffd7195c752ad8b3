import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import type { Logger } from "../logger.ts";

/**
 * Which BFF processes are alive (table `bff_instance`). Each process heart-beats its row in database time while it
 * runs and marks it stopped when it shuts down cleanly. Work another process claimed (a grant being closed or
 * opened) is taken over as soon as that process is dead, not when its lease runs out: one that stopped cleanly
 * at once, one that died within `staleAfterSeconds`, and a restarted one's predecessor on the same node at start.
 */

/** A heartbeat older than this says the process is gone. */
export const staleAfterSeconds = 10;
/** How often a live process heart-beats (well inside `staleAfterSeconds`). */
export const heartbeatEveryMs = 2_000;

/**
 * SQL: the process named in `column` is alive (heart-beating, not stopped). Database time on both sides, so
 * neither process's clock (nor an injected business clock) decides.
 */
export function ownerAlive(column: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from bff_instance i where i.id = ${sql.ref(column)} and i.stopped_at is null and i.heartbeat_at > clock_timestamp() - make_interval(secs => ${staleAfterSeconds}))`;
}

export interface InstanceRegistry {
  readonly id: string;
  /** Where it runs: a restart on the same node takes over its predecessor's work at once. */
  readonly node: string;
  /** Records this process as alive, and every earlier process on this node as stopped (it cannot be running). */
  register(): Promise<{ predecessors: number }>;
  /** Heart-beats every `heartbeatEveryMs` until `stop` (the timer does not hold the process open). */
  startHeartbeat(): void;
  /** Ends the heartbeat and marks this process stopped, so others take over its claims at once. */
  stop(): Promise<void>;
}

export function createInstanceRegistry(deps: { db: Kysely<DatabaseSchema>; id: string; node: string; logger: Logger }): InstanceRegistry {
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  const beat = async () => {
    if (stopping) return;
    // A live process re-asserts itself: another process registering on the same node (a duplicate, not a restart)
    // may have marked it stopped, and it must not stay "dead" while it runs.
    await deps.db.updateTable("bff_instance").set({ heartbeat_at: sql<Date>`clock_timestamp()`, stopped_at: null }).where("id", "=", deps.id).execute();
  };
  return {
    id: deps.id,
    node: deps.node,
    async register() {
      return deps.db.transaction().execute(async (trx) => {
        const ended = await trx
          .updateTable("bff_instance")
          .set({ stopped_at: sql<Date>`clock_timestamp()` })
          .where("node", "=", deps.node)
          .where("id", "!=", deps.id)
          .where("stopped_at", "is", null)
          .returning("id")
          .execute();
        await trx
          .insertInto("bff_instance")
          .values({ id: deps.id, node: deps.node })
          .onConflict((oc) => oc.column("id").doUpdateSet({ heartbeat_at: sql<Date>`clock_timestamp()`, stopped_at: null }))
          .execute();
        // Rows of processes long gone are of no use to anyone.
        await trx.deleteFrom("bff_instance").where("heartbeat_at", "<", sql<Date>`clock_timestamp() - interval '1 day'`).execute();
        return { predecessors: ended.length };
      });
    },
    startHeartbeat() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        beat().catch((error: unknown) => deps.logger.warn({ err: error }, "heartbeat failed; other replicas take over this one's work if it keeps failing"));
      }, heartbeatEveryMs);
      timer.unref();
    },
    async stop() {
      stopping = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await deps.db.updateTable("bff_instance").set({ stopped_at: sql<Date>`clock_timestamp()` }).where("id", "=", deps.id).execute();
    },
  };
}
