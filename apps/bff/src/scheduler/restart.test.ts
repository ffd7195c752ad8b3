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
import { counterKey, demo } from "../test-support/policies.ts";
import { allowRules, sshPerRequest } from "../test-support/requests.ts";
import { startChildBff, type ChildBff } from "../test-support/child-bff.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { testArmClients } from "../test-support/test-arm.ts";

/** Opens the PGlite directory a killed BFF left, once its lock may be taken over (a few seconds). */
async function openLeftBehind(dataDir: string): Promise<Database> {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      return await openDatabase({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
    } catch (error) {
      if (!(error instanceof DataDirLockedError) || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe("a BFF process killed and started again (real processes, PGlite in a data directory)", () => {
  let emulator: RunningEmulator;
  let arm: ArmClients;
  let dir: string;
  const children: ChildBff[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ dataDir: null, writeLatencyMs: 10 });
    arm = testArmClients(emulator);
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-restart-"));
    await writeFile(path.join(dir, "emulator-ca.pem"), emulator.caCertPem);
  });
  afterAll(async () => {
    for (const child of children) await child.kill("SIGKILL");
    arm?.close();
    await emulator?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({ ARM_ENDPOINT: emulator.url, ARM_CA_CERT_FILE: path.join(dir, "emulator-ca.pem"), DATA_DIR: path.join(dir, "data"), SCHEDULER_INTERVAL_MS: "200" });
  const call = (bff: ChildBff, token: string, method: string, route: string, body?: object) =>
    fetch(`${bff.url}${route}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const grantIdsIn = async (nsgId: string) => (await allowRules(arm, nsgId)).map((r) => parseAllowRuleDescription(r.description)?.grantId);

  it("closes, before it serves anything, the grants that ended while it was down and the one it was opening when it died", async () => {
    const first = await startChildBff(env());
    children.push(first);
    let token = await signInAs(first, "admin@contoso.test");
    const enabled = await call(first, token, "PUT", "/api/policies", { vmIds: [demo.web01, demo.app01], ports: [sshPerRequest] });
    expect(enabled.status, await enabled.clone().text()).toBe(200);
    const opened = await call(first, token, "POST", "/api/requests", { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 5 });
    expect(opened.status, await opened.clone().text()).toBe(201);
    const expiring = (await opened.json()) as Grant;
    expect(await grantIdsIn(demo.nsgWeb01)).toEqual([expiring.id]);

    // A second request's NSG write is accepted by ARM but its operation runs long: the process dies in between.
    emulator.control.setConfig({ writeLatencyMs: 1_500 });
    emulator.control.resetCounters();
    const interrupted = call(first, token, "POST", "/api/requests", { vmId: demo.app01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 60 }).catch(() => null);
    const until = Date.now() + 10_000;
    while ((emulator.control.counters().writesByNsg[counterKey(demo.nsgApp01)] ?? 0) < 1 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    await first.kill("SIGKILL");
    expect(await interrupted).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    emulator.control.setConfig({ writeLatencyMs: 10 });
    // The write landed: a rule is open in ARM and the row that says when it closes is still `opening`.
    expect(await grantIdsIn(demo.nsgApp01)).toHaveLength(1);

    // While it is down, the first grant's end passes (set through SQL: nothing in the product moves time).
    const database = await openLeftBehind(path.join(dir, "data"));
    const orphan = await database.kysely.selectFrom("jit_grant").select(["id", "status"]).where("status", "=", "opening").executeTakeFirstOrThrow();
    await sql`update jit_grant set starts_at = starts_at - interval '10 minutes', ends_at = ends_at - interval '10 minutes' where id = ${expiring.id}`.execute(database.kysely);
    await database.close();

    const started = Date.now();
    const second = await startChildBff(env());
    children.push(second);
    // By the time it listens, both rules are gone.
    expect(await grantIdsIn(demo.nsgWeb01)).toEqual([]);
    expect(await grantIdsIn(demo.nsgSnetWeb)).toEqual([]);
    expect(await grantIdsIn(demo.nsgApp01)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(15_000);

    token = await signInAs(second, "admin@contoso.test");
    const mine = (await (await call(second, token, "GET", "/api/grants?scope=mine")).json()) as { items: Grant[] };
    const byId = new Map(mine.items.map((g) => [g.id, g]));
    expect(byId.get(expiring.id)).toMatchObject({ status: "closed", statusReason: "Expired" });
    expect(byId.get(orphan.id)).toMatchObject({ status: "failed", statusReason: "OpenFailed" });
    await second.kill("SIGTERM");
    expect(second.process.exitCode).toBe(0);
  });
});
