import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestBff, startTestEmulator, type TestEmulator } from "../test-support/stack.ts";
import type { RunningBff } from "../server.ts";

describe("health and readiness of a running BFF", () => {
  let emulator: TestEmulator;
  let bff: RunningBff;
  let auth: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await startTestBff(emulator);
    auth = `Bearer ${await signInAs({ url: bff.publicUrl, localIssuer: bff.localIssuer }, "auditor@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.stop();
    await emulator?.stop();
  });

  it("is ready while the database and ARM answer", async () => {
    const res = await request(bff.url).get("/api/readyz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready", checks: { database: { ok: true }, arm: { ok: true } } });
  });

  it("when ARM is stopped, readiness is 503 naming the ARM check and the inventory answers 503 with the reason", async () => {
    await emulator.stop();
    const ready = await request(bff.url).get("/api/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe("not-ready");
    expect(ready.body.checks.database).toEqual({ ok: true });
    expect(ready.body.checks.arm.ok).toBe(false);
    expect(ready.body.checks.arm.message).toContain(`Azure Resource Manager at ${emulator.url} is unreachable`);

    const inventory = await request(bff.url).get("/api/inventory/vms").set("authorization", auth).query({ tab: "recommended" });
    expect(inventory.status).toBe(503);
    expect(inventory.body.error.code).toBe("UpstreamUnavailable");
    expect(inventory.body.error.message).toMatch(new RegExp(`^Azure Resource Manager at ${emulator.url} is unreachable: .+`));

    const live = await request(bff.url).get("/api/healthz");
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: "ok" });
  });
});

describe("readiness when the database does not answer", () => {
  it("is 503 naming the database check", async () => {
    const emulator = await startTestEmulator();
    const bff = await assembleTestBff(emulator);
    try {
      await bff.database.close();
      const res = await request(bff.app).get("/api/readyz");
      expect(res.status).toBe(503);
      expect(res.body.checks.database.ok).toBe(false);
      expect(res.body.checks.database.message).toEqual(expect.any(String));
      expect(res.body.checks.arm).toEqual({ ok: true });
    } finally {
      await bff.close();
      await emulator.stop();
    }
  });
});
