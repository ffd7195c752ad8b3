import type { Grant } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demo } from "../../test-support/policies.ts";
import { enablePolicy, requestAccess, sshPerRequest } from "../../test-support/requests.ts";
import { createManualClock } from "../../test-support/manual-clock.ts";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";

const token = "scrape-token-0123456789abcdef";

/** The value of one sample (name and labels exactly as Prometheus's text format writes them), or 0. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe("Prometheus metrics at /metrics", () => {
  const clock = createManualClock(new Date("2030-05-01T08:00:00.000Z"));
  let emulator: TestEmulator;
  let bff: InProcessBff;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { clock, env: { METRICS_TOKEN: token } });
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const scrape = async () => {
    const res = await request(bff.app).get("/metrics").set("authorization", `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it("refuses a scrape without the token, or with another one (401, nothing of the metrics in it)", async () => {
    for (const authorization of [undefined, "Bearer wrong-token-0123456789abcdef", `Basic ${token}`]) {
      const call = request(bff.app).get("/metrics");
      if (authorization !== undefined) call.set("authorization", authorization);
      const res = await call;
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="metrics"');
      expect(res.text).not.toContain("portcullis_");
    }
  });

  it("moves the counters a request and its expiry touch: opens, closes, ARM calls, HTTP latency by route, lateness, open grants", async () => {
    const admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    await enablePolicy(bff, [demo.web02], [sshPerRequest]);
    const before = await scrape();
    const nsgPut = 'portcullis_arm_requests_total{operation="PUT Microsoft.Network/networkSecurityGroups",status="201"}';
    const nsgPutOk = 'portcullis_arm_requests_total{operation="PUT Microsoft.Network/networkSecurityGroups",status="200"}';

    const res = await requestAccess(bff, admin, { vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const opened = await scrape();
    expect(sample(opened, 'portcullis_audit_events_total{action="request.opened",outcome="success"}')).toBe(sample(before, 'portcullis_audit_events_total{action="request.opened",outcome="success"}') + 1);
    expect(sample(opened, 'portcullis_grants{status="open"}')).toBe(1);
    expect(sample(opened, nsgPut) + sample(opened, nsgPutOk)).toBeGreaterThan(sample(before, nsgPut) + sample(before, nsgPutOk));
    expect(sample(opened, 'portcullis_http_request_duration_seconds_count{method="POST",route="/api/requests",status="201"}')).toBe(1);

    clock.advance(60 * 60_000);
    expect((await bff.jobs.expiry.sweep()).closed).toBe(1);
    const expired = await scrape();
    expect(sample(expired, 'portcullis_audit_events_total{action="request.expired",outcome="success"}')).toBe(1);
    expect(sample(expired, "portcullis_expiry_lateness_seconds_count")).toBe(1);
    expect(sample(expired, 'portcullis_grants{status="open"}')).toBe(0);
    expect(expired).toContain("# TYPE portcullis_process_resident_memory_bytes gauge");
    // Ids never become labels: the grant's id appears nowhere.
    expect(expired).not.toContain((res.body as Grant).id);
  });
});

describe("without METRICS_TOKEN", () => {
  it("serves no metrics at /metrics", { timeout: 90_000 }, async () => {
    const emulator = await startTestEmulator();
    const bff = await assembleTestBff(emulator, { webDistDir: null });
    try {
      const res = await request(bff.app).get("/metrics");
      expect(res.status).toBe(404);
    } finally {
      await bff.close();
      await emulator.stop();
    }
  });
});
