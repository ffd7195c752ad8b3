import { Writable } from "node:stream";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { createManualClock, type ManualClock } from "../test-support/manual-clock.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { readyCacheMs } from "./routes.ts";

function logSink(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger("info", sink) };
}

describe("health and readiness", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let clock: ManualClock;
  let auth: string;
  const log = logSink();

  beforeAll(async () => {
    emulator = await startTestEmulator();
    clock = createManualClock();
    bff = await assembleTestBff(emulator, { clock, logger: log.logger });
    auth = `Bearer ${await signInAs(bff, "auditor@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const readyz = async () => {
    const res = await fetch(`${bff.url}/api/readyz`);
    return { status: res.status, text: await res.text(), cacheControl: res.headers.get("cache-control") };
  };

  it("When the database and ARM answer, then an anonymous caller gets 200 and the status only", async () => {
    const res = await request(bff.app).get("/api/readyz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ready" });
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("When 200 anonymous calls arrive, together and one after another, then they share one ARM probe", async () => {
    clock.advance(readyCacheMs);
    emulator.control.resetCounters();
    const together = await Promise.all(Array.from({ length: 100 }, () => readyz()));
    for (let i = 0; i < 100; i++) expect((await readyz()).status).toBe(200);
    expect(together.every((r) => r.status === 200 && r.text === '{"status":"ready"}')).toBe(true);
    expect(emulator.control.counters().requests).toBe(1);

    // The shared result is fresh for 5 s; after that the next call probes again, once.
    clock.advance(readyCacheMs - 1);
    await readyz();
    expect(emulator.control.counters().requests).toBe(1);
    clock.advance(1);
    await Promise.all([readyz(), readyz(), readyz()]);
    expect(emulator.control.counters().requests).toBe(2);
  });

  it("When ARM is stopped, then readiness is 503 with no endpoint or error text, the reason is logged once, and the inventory still names it to a signed-in user", async () => {
    await emulator.stop();
    clock.advance(readyCacheMs);
    log.lines.length = 0;
    const answers = [await readyz(), await readyz()];
    for (const ready of answers) {
      expect(ready.status).toBe(503);
      expect(ready.text).toBe('{"status":"not-ready"}');
      expect(ready.cacheControl).toBe("no-store");
    }
    const notReady = log.lines.filter((l) => l["msg"] === "not ready");
    expect(notReady).toHaveLength(1);
    expect(notReady[0]).toMatchObject({ level: 40, readiness: { database: { ok: true }, arm: { ok: false, message: expect.stringContaining(`Azure Resource Manager at ${emulator.url} is unreachable`) } } });

    const inventory = await request(bff.app).get("/api/inventory/vms").set("authorization", auth).query({ tab: "recommended" });
    expect(inventory.status).toBe(503);
    expect(inventory.body.error.code).toBe("UpstreamUnavailable");
    expect(inventory.body.error.message).toMatch(new RegExp(`^Azure Resource Manager at ${emulator.url} is unreachable: .+`));

    const live = await request(bff.app).get("/api/healthz");
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: "ok" });
  });
});

describe("readiness when the database does not answer", () => {
  it("is 503 with the status only, and the log names the database check", async () => {
    const emulator = await startTestEmulator();
    const log = logSink();
    const bff = await assembleTestBff(emulator, { logger: log.logger });
    try {
      await bff.database.close();
      const res = await request(bff.app).get("/api/readyz");
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: "not-ready" });
      const notReady = log.lines.find((l) => l["msg"] === "not ready");
      expect(notReady).toMatchObject({ readiness: { database: { ok: false, message: expect.any(String) }, arm: { ok: true } } });
    } finally {
      await bff.close();
      await emulator.stop();
    }
  });
});
