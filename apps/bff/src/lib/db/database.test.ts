import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPolicyIdsRepository } from "../../inventory/policy-ids-repository.ts";
import { openDatabase, type Database } from "./database.ts";
import { migrateToLatest } from "./migrate.ts";
import { testEngines, testPostgresUrl } from "../../test-support/db-engines.ts";

describe.each(testEngines)("storage on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
  });
  afterAll(async () => {
    await cleanup();
  });

  it("applies the migrations once, and a second run changes nothing", async () => {
    expect(await migrateToLatest(database)).toEqual(["0001-initial", "0002-role-assignments", "0003-policy-placement", "0004-audit-events", "0005-access-grants", "0006-audit-chain", "0007-approvals-notifications", "0008-audit-anchors", "0009-list-paging", "0010-principals", "0011-instances", "0012-revoke-requested", "0013-rate-limits", "0014-end-live-sessions", "0015-request-history", "0016-justification-rule", "0017-expiry-units"]);
    expect(await migrateToLatest(database)).toEqual([]);
    const tables = await database.kysely.introspection.getTables();
    const names = tables.filter((t) => database.schema === undefined || t.schema === database.schema).map((t) => t.name);
    expect(names).toContain("jit_policy");
    expect(names).toContain("role_assignment");
    expect(names).toContain("audit_event");
    expect(names).toContain("audit_checkpoint");
    expect(names).toContain("audit_anchor");
    expect(names).toContain("jit_grant");
    expect(names).toContain("principal");
  });

  it("returns the lower-cased ids of the VMs that have a policy", async () => {
    const repository = createPolicyIdsRepository(database.kysely);
    expect(await repository.listPolicyVmIds()).toEqual(new Set());
    const vmId = "/subscriptions/0000/resourcegroups/rg-a/providers/microsoft.compute/virtualmachines/vm-1";
    await database.kysely
      .insertInto("jit_policy")
      .values({
        vm_id: vmId,
        subscription_id: "0000",
        resource_group: "rg-A",
        vm_name: "vm-1",
        rules: JSON.stringify([{ port: 22, protocol: "TCP", maxDuration: "PT3H" }]),
        created_by: "alice",
        updated_by: "alice",
      })
      .execute();
    expect(await repository.listPolicyVmIds()).toEqual(new Set([vmId]));
    const row = await database.kysely.selectFrom("jit_policy").selectAll().executeTakeFirstOrThrow();
    expect(row.rules).toEqual([{ port: 22, protocol: "TCP", maxDuration: "PT3H" }]);
    expect(row.version).toBe(1);
    expect(row.created_at).toBeInstanceOf(Date);
  });

  it("refuses a VM id that is not lower-cased", async () => {
    const insert = database.kysely
      .insertInto("jit_policy")
      .values({
        vm_id: "/subscriptions/0000/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM",
        subscription_id: "0000",
        resource_group: "RG",
        vm_name: "VM",
        rules: "[]",
        created_by: "alice",
        updated_by: "alice",
      })
      .execute();
    await expect(insert).rejects.toThrow(/jit_policy_vm_id_lower/);
  });

  it("answers select 1", async () => {
    const result = await sql<{ one: number }>`select 1 as one`.execute(database.kysely);
    expect(result.rows).toEqual([{ one: 1 }]);
  });
});

describe("the PGlite data directory lock", () => {
  const databaseModule = fileURLToPath(new URL("./database.ts", import.meta.url));
  let dir: string;
  const opened: Database[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-bff-lock-"));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs a second process that opens the directory; resolves with its exit code and stderr. */
  async function openInChild(dataDir: string, holdOpen: boolean): Promise<{ child: ReturnType<typeof spawn>; result: Promise<{ code: number | null; stderr: string; stdout: string }> }> {
    const script = path.join(dir, `open-${Math.random().toString(36).slice(2)}.ts`);
    await writeFile(
      script,
      [
        `import { openDatabase } from ${JSON.stringify(databaseModule)};`,
        "try {",
        `  const db = await openDatabase({ kind: "pglite", dataDir: ${JSON.stringify(dataDir)} });`,
        `  console.log("opened");`,
        holdOpen ? "  setInterval(() => undefined, 1000);" : "  await db.close();",
        "} catch (error) {",
        "  console.error(error.message);",
        "  process.exit(3);",
        "}",
      ].join("\n"),
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
    const result = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      let stderr = "";
      let stdout = "";
      child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("exit", (code) => resolve({ code, stderr, stdout }));
    });
    return { child, result };
  }

  it("refuses a second process with a message naming the directory and the holder", async () => {
    const dataDir = path.join(dir, "held");
    opened.push(await openDatabase({ kind: "pglite", dataDir }));
    const { result } = await openInChild(dataDir, false);
    const { code, stderr } = await result;
    expect(code).toBe(3);
    expect(stderr).toContain(`The PGlite data directory ${dataDir} is already in use by process ${process.pid}`);
  });

  it("refuses a second opener in the same process too", async () => {
    const dataDir = path.join(dir, "same-process");
    opened.push(await openDatabase({ kind: "pglite", dataDir }));
    await expect(openDatabase({ kind: "pglite", dataDir })).rejects.toThrow(/already in use by process/);
  });

  it("lets the directory be opened again after the holder closes it", async () => {
    const dataDir = path.join(dir, "reopen");
    const first = await openDatabase({ kind: "pglite", dataDir });
    await first.close();
    opened.push(await openDatabase({ kind: "pglite", dataDir }));
  });

  it("takes over a lock left by a killed process", async () => {
    const dataDir = path.join(dir, "killed");
    const { child, result } = await openInChild(dataDir, true);
    await new Promise<void>((resolve) => child.stdout?.on("data", () => resolve()));
    child.kill("SIGKILL");
    await result;
    const started = Date.now();
    let database: Database | undefined;
    while (database === undefined) {
      try {
        database = await openDatabase({ kind: "pglite", dataDir });
      } catch (error) {
        if (Date.now() - started > 10_000) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    opened.push(database);
  });
});

describe("two replicas starting together against an empty PostgreSQL", () => {
  it("both come up, and the migrations run once (Kysely's migration lock serialises them)", async () => {
    const schema = `test_pair_${Date.now().toString(36)}`;
    const [a, b] = await Promise.all([openDatabase({ kind: "postgres", url: testPostgresUrl, schema }), openDatabase({ kind: "postgres", url: testPostgresUrl, schema })]);
    try {
      const [ranA, ranB] = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
      const runs = [ranA, ranB].filter((applied) => applied.length > 0);
      expect(runs).toHaveLength(1);
      expect(runs[0]?.at(-1)).toBe("0017-expiry-units");
      const recorded = await sql<{ n: string }>`select count(*)::text as n from ${sql.id(schema, "kysely_migration")}`.execute(a.kysely);
      expect(recorded.rows[0]?.n).toBe(String(runs[0]?.length));
    } finally {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(a.kysely);
      await a.close();
      await b.close();
    }
  });
});
