import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Grant } from "@portcullis/contract";
import { openDatabase } from "@portcullis/bff";
import { afterAll, describe, expect, it } from "vitest";
import { signInAs } from "@portcullis/bff/testing";
import { startLocalStack } from "./local-stack.ts";

const prodWeb02 = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachines/vm-prod-web-02";

describe("npm start's stack (emulator with token checks, BFF) restarted", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("closes a grant that ended while it was down before the API answers ready, with no failed attempt on the way", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-stack-"));
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" };
    const quiet = () => undefined;
    const first = await startLocalStack(env, quiet);
    let grant: Grant;
    try {
      const token = await signInAs({ url: first.bff.publicUrl, localIssuer: first.bff.localIssuer }, "admin@contoso.test");
      const call = (method: string, route: string, body?: object) =>
        fetch(`${first.bff.publicUrl}${route}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      expect((await call("PUT", "/api/policies", { vmIds: [prodWeb02], ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT1H" }] })).status).toBe(200);
      const opened = await call("POST", "/api/requests", { vmId: prodWeb02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 30 });
      expect(opened.status, await opened.clone().text()).toBe(201);
      grant = (await opened.json()) as Grant;
    } finally {
      await first.stop();
    }

    // While nothing runs, the grant's end passes (set through SQL: nothing in the product moves time).
    const database = await openDatabase({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
    await database.kysely.updateTable("jit_grant").set({ ends_at: new Date(Date.now() - 1_000) }).where("id", "=", grant.id).execute();
    await database.close();

    const second = await startLocalStack(env, quiet);
    try {
      // It serves only once its start-up work is done: the first answer already shows the grant closed.
      expect((await fetch(`${second.bff.publicUrl}/api/readyz`)).status).toBe(200);
      const token = await signInAs({ url: second.bff.publicUrl, localIssuer: second.bff.localIssuer }, "admin@contoso.test");
      const mine = (await (await fetch(`${second.bff.publicUrl}/api/grants?scope=mine`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Grant[] };
      expect(mine.items.find((g) => g.id === grant.id)).toMatchObject({ status: "closed", statusReason: "Expired", error: null });
      const activity = (await (await fetch(`${second.bff.publicUrl}/api/activity?pageSize=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: Array<{ action: string; outcome: string; details?: Record<string, unknown> }> };
      const about = activity.items.filter((e) => JSON.stringify(e).includes(grant.id)).map((e) => `${e.action}:${e.outcome}`);
      expect(about).toContain("request.expired:success");
      expect(about.filter((a) => a.endsWith(":failure"))).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 120_000);
});
