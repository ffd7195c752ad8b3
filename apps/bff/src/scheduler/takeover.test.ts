import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import type { Grant } from "@portcullis/contract";
import { parseAllowRuleDescription } from "@portcullis/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmClients } from "../lib/azure/clients.ts";
import { DataDirLockedError } from "../lib/db/data-dir-lock.ts";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testPostgresUrl } from "../test-support/db-engines.ts";
import { counterKey, demo } from "../test-support/policies.ts";
import { allowRules, sshPerRequest } from "../test-support/requests.ts";
import { startChildBff, type ChildBff } from "../test-support/child-bff.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { testArmClients } from "../test-support/test-arm.ts";

/** The audit key replicas share (each would otherwise generate its own in its DATA_DIR). */
const auditKey = randomBytes(32).toString("base64");

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("take-over and shutdown with real processes", () => {
  let emulator: RunningEmulator;
  let arm: ArmClients;
  let dir: string;
  const children: ChildBff[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ dataDir: null, writeLatencyMs: 10 });
    arm = testArmClients(emulator);
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-takeover-"));
    await writeFile(path.join(dir, "emulator-ca.pem"), emulator.caCertPem);
  });
  afterAll(async () => {
    for (const child of children) await child.kill("SIGKILL");
    arm?.close();
    await emulator?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const baseEnv = (dataDir: string) => ({ ARM_ENDPOINT: emulator.url, ARM_CA_CERT_FILE: path.join(dir, "emulator-ca.pem"), DATA_DIR: path.join(dir, dataDir), SCHEDULER_INTERVAL_MS: "200", AUDIT_SIGNING_KEY: auditKey });
  const call = (bff: ChildBff, token: string, method: string, route: string, body?: object) =>
    fetch(`${bff.url}${route}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const grantIdsIn = async (nsgId: string) => (await allowRules(arm, nsgId)).map((r) => parseAllowRuleDescription(r.description)?.grantId);
  const start = async (env: Record<string, string>) => {
    const child = await startChildBff(env);
    children.push(child);
    return child;
  };

  it("PostgreSQL: a replica killed while closing a grant is taken over by another within 15 s, not at its lease's end", async () => {
    const schema = `test_takeover_${randomBytes(4).toString("hex")}`;
    const database = await openDatabase({ kind: "postgres", url: testPostgresUrl, schema });
    await migrateToLatest(database);
    const url = new URL(testPostgresUrl);
    url.searchParams.set("options", `-c search_path=${schema}`);
    try {
      const first = await start({ ...baseEnv("replica-a"), DATABASE_URL: url.href });
      const token = await signInAs(first, "admin@contoso.test");
      expect((await call(first, token, "PUT", "/api/policies", { vmIds: [demo.app01], ports: [sshPerRequest] })).status).toBe(200);
      const opened = await call(first, token, "POST", "/api/requests", { vmId: demo.app01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
      expect(opened.status, await opened.clone().text()).toBe(201);
      const grant = (await opened.json()) as Grant;

      // Its close hangs: ARM does not answer the NSG's PUT for a minute. The grant ends; the first replica claims it.
      emulator.control.resetCounters();
      emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-01" }, times: 1, fault: { kind: "stall", ms: 60_000 } });
      await sql`update jit_grant set ends_at = now() - interval '1 second' where id = ${grant.id}`.execute(database.kysely);
      await until(async () => (emulator.control.counters().writesByNsg[counterKey(demo.nsgApp01)] ?? 0) >= 1, 10_000, "the first replica's close write");
      const claimed = await database.kysely.selectFrom("jit_grant").select(["status", "claimed_by", "lease_until"]).where("id", "=", grant.id).executeTakeFirstOrThrow();
      expect(claimed.status).toBe("closing");
      expect((claimed.lease_until?.getTime() ?? 0) - Date.now()).toBeGreaterThan(60_000);

      const second = await start({ ...baseEnv("replica-b"), DATABASE_URL: url.href });
      expect(second.url).not.toBe(first.url);
      await first.kill("SIGKILL");
      const killed = Date.now();
      await until(async () => (await database.kysely.selectFrom("jit_grant").select("status").where("id", "=", grant.id).executeTakeFirstOrThrow()).status === "closed", 15_000, "the second replica's take-over");
      const tookMs = Date.now() - killed;
      console.log(`take-over after a kill: ${tookMs} ms`);
      expect(tookMs).toBeLessThan(15_000);
      expect(await grantIdsIn(demo.nsgApp01)).toEqual([]);
      await second.kill("SIGTERM");
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(database.kysely);
      await database.close();
    }
  }, 90_000);

  it("SIGTERM during an 8 s NSG write: the write completes within the drain, the requester gets the answer, nothing is left opening", async () => {
    const bff = await start(baseEnv("drain"));
    const token = await signInAs(bff, "admin@contoso.test");
    expect((await call(bff, token, "PUT", "/api/policies", { vmIds: [demo.app03], ports: [sshPerRequest] })).status).toBe(200);
    emulator.control.resetCounters();
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-03" }, times: 1, fault: { kind: "lro-latency", ms: 8_000 } });
    const answer = call(bff, token, "POST", "/api/requests", { vmId: demo.app03, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    await until(async () => (emulator.control.counters().writesByNsg[counterKey(demo.nsgApp03)] ?? 0) >= 1, 10_000, "the NSG write");
    const stopped = bff.kill("SIGTERM");
    const res = await answer;
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as Grant;
    expect(body.status).toBe("open");
    await stopped;
    expect(bff.process.exitCode).toBe(0);
    const database = await openAfterExit(path.join(dir, "drain"));
    try {
      const row = await database.kysely.selectFrom("jit_grant").select(["status", "claimed_by"]).where("id", "=", body.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: "open", claimed_by: null });
      expect(await database.kysely.selectFrom("jit_grant").select("id").where("status", "=", "opening").execute()).toEqual([]);
    } finally {
      await database.close();
    }
    expect(await grantIdsIn(demo.nsgApp03)).toEqual([body.id]);
  }, 60_000);

  it("SIGTERM with a drain shorter than the write: the grant is handed over, and the next start finishes it before it serves", async () => {
    const bff = await start({ ...baseEnv("short-drain"), SHUTDOWN_DRAIN_SECONDS: "1" });
    const token = await signInAs(bff, "admin@contoso.test");
    expect((await call(bff, token, "PUT", "/api/policies", { vmIds: [demo.web02], ports: [sshPerRequest] })).status).toBe(200);
    emulator.control.resetCounters();
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-web-02" }, times: 1, fault: { kind: "lro-latency", ms: 6_000 } });
    const answer = call(bff, token, "POST", "/api/requests", { vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 }).catch(() => null);
    await until(async () => (emulator.control.counters().writesByNsg[counterKey(demo.nsgWeb02)] ?? 0) >= 1, 10_000, "the NSG write");
    await bff.kill("SIGTERM");
    await answer;
    const database = await openAfterExit(path.join(dir, "short-drain"));
    const left = await database.kysely.selectFrom("jit_grant").select(["id", "status", "claimed_by", "lease_until"]).execute();
    await database.close();
    expect(left).toHaveLength(1);
    // Handed over: free to be taken at once (no lease to wait out).
    expect((left[0]?.lease_until?.getTime() ?? 0) <= Date.now()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const id = left[0]?.id ?? "";
    const restarted = await start({ ...baseEnv("short-drain") });
    const after = await openAfterExitOrShared(restarted);
    expect(after).not.toBe("opening");
    const rules = await grantIdsIn(demo.nsgWeb02);
    if (after === "open") expect(rules).toEqual([id]);
    else expect(rules).not.toContain(id);
    await restarted.kill("SIGTERM");

    async function openAfterExitOrShared(child: ChildBff): Promise<string> {
      const adminToken = await signInAs(child, "admin@contoso.test");
      const grants = (await (await call(child, adminToken, "GET", "/api/grants?scope=mine")).json()) as { items: Grant[] };
      return grants.items.find((g) => g.id === id)?.status ?? "missing";
    }
  }, 60_000);
});

/** Opens a PGlite directory once the process that held it has exited (its lock file may take a moment). */
async function openAfterExit(dataDir: string): Promise<Database> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await openDatabase({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
    } catch (error) {
      if (!(error instanceof DataDirLockedError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
