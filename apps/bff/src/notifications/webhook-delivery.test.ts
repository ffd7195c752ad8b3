import { Writable } from "node:stream";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { createLogger } from "../lib/logger.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { closedPort, fakeDns, startReceiver, testCertificate, type TestCertificate, type TestReceiver } from "../test-support/notifications.ts";

const publicIp = "20.50.1.2";

/**
 * Delivery attempts against receivers on 127.0.0.1, reached under names the test DNS gives: the address check
 * before each attempt, the connection pinned to the checked address, and the coarse outcomes of the delivery log.
 * Local mode (NOTIFY_ALLOW_HTTP_LOCALHOST on); receiver.test and other.test are on NOTIFY_ALLOWED_HOSTS.
 */
describe("webhook delivery attempts", () => {
  const dns = fakeDns();
  const logLines: string[] = [];
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;
  /** Trusted by the BFF (its test CA); valid for receiver.test, rebind.example.test and 127.0.0.1, not other.test. */
  let trusted: TestCertificate;
  const receivers: TestReceiver[] = [];

  beforeAll(async () => {
    trusted = await testCertificate(["receiver.test", "rebind.example.test"]);
    emulator = await startTestEmulator();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    bff = await assembleTestBff(emulator, {
      env: { NOTIFY_ALLOWED_HOSTS: "receiver.test,other.test" },
      logger: createLogger("warn", sink),
      notifications: { resolveHost: dns.resolve, delivery: { tlsCa: trusted.certPem, timeoutMs: 1_000, retryDelaysMs: [50] } },
    });
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    dns.answers.clear();
    dns.asked.length = 0;
    logLines.length = 0;
    await bff.database.kysely.deleteFrom("notification_outbox").execute();
    await bff.database.kysely.deleteFrom("notification_subscription").execute();
  });

  async function receiver(answer: Parameters<typeof startReceiver>[0] = () => 200, tls?: TestCertificate): Promise<TestReceiver> {
    const started = await startReceiver(answer, tls === undefined ? {} : { tls });
    receivers.push(started);
    return started;
  }

  /** Saves a webhook subscription to `url` and queues its test delivery; the delivery's id. */
  async function queueTest(url: string): Promise<string> {
    const created = await request(bff.app).post("/api/notifications/subscriptions").set("authorization", admin).send({ name: "hook", kind: "webhook", url, scope: "/", events: ["request.opened"] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const queued = await request(bff.app).post(`/api/notifications/subscriptions/${created.body.subscription.id}/test`).set("authorization", admin);
    expect(queued.status).toBe(202);
    return queued.body.id as string;
  }

  /** The delivery as the delivery log shows it, and the `notification.failed` events about it. */
  async function logged(id: string) {
    const log = await request(bff.app).get("/api/notifications/deliveries").set("authorization", admin);
    const delivery = log.body.items.find((d: { id: string }) => d.id === id);
    const failures = (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "notification.failed" && e.details["deliveryId"] === id);
    return { delivery, failures, text: JSON.stringify([log.body, failures]) };
  }

  it.each([[["127.0.0.1"]], [[publicIp, "127.0.0.1"]], [["::ffff:7f00:1"]], [["169.254.169.254"]], [["10.0.0.5"]]])(
    "DNS rebinding: a host public when saved that resolves to %j at send time fails at once as refused-address, and the receiver gets nothing",
    async (atSend) => {
      const hook = await receiver(() => 200, trusted);
      dns.answers.set("rebind.example.test", [publicIp]);
      const id = await queueTest(`https://rebind.example.test:${hook.port}/hook`);
      dns.answers.set("rebind.example.test", atSend);

      expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
      expect(hook.received).toEqual([]);
      const { delivery, failures, text } = await logged(id);
      expect(delivery).toMatchObject({ status: "failed", attempts: 1, lastStatusCode: null, lastError: "refused-address", nextAttemptAt: null });
      expect(failures).toMatchObject([{ outcome: "failure", error: "refused-address", details: { attempt: 1, statusCode: null, willRetry: false } }]);
      for (const address of atSend) expect(text).not.toContain(address);
    },
  );

  it("pinning: the connection goes to the address checked for the attempt (no second lookup), with the URL's host name in Host and in TLS", async () => {
    const hook = await receiver(() => 200, trusted);
    dns.answers.set("receiver.test", ["127.0.0.1"]);
    const id = await queueTest(`https://receiver.test:${hook.port}/hook`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 1, failed: 0 });
    expect(hook.received.map((r) => [r.path, r.headers.host])).toEqual([["/hook", `receiver.test:${hook.port}`]]);
    // Once when saved, once for the attempt: the HTTP client asked nothing itself (the system has no receiver.test).
    expect(dns.asked).toEqual(["receiver.test", "receiver.test"]);
    expect((await logged(id)).delivery).toMatchObject({ status: "delivered", lastStatusCode: 200, lastError: null });
  });

  it("TLS verifies the certificate against the URL's host name, not the pinned address: a trusted certificate for 127.0.0.1 but not other.test is a tls-error", async () => {
    const hook = await receiver(() => 200, trusted);
    dns.answers.set("other.test", ["127.0.0.1"]);
    const id = await queueTest(`https://other.test:${hook.port}/hook`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    expect(hook.received).toEqual([]);
    expect((await logged(id)).delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: "tls-error" });
  });

  it("an HTTPS receiver with an untrusted certificate shows tls-error, and is retried", async () => {
    const hook = await receiver(() => 200, await testCertificate(["localhost"]));
    dns.answers.set("localhost", ["127.0.0.1"]);
    const id = await queueTest(`https://localhost:${hook.port}/hook`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    const { delivery, failures } = await logged(id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: "tls-error" });
    expect(failures).toMatchObject([{ error: "tls-error", details: { willRetry: true } }]);
  });

  it("a closed local port shows unreachable, never the socket error; the server log keeps the code for the operator", async () => {
    const id = await queueTest(`http://127.0.0.1:${await closedPort()}/hook`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    const { delivery, failures, text } = await logged(id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: "unreachable" });
    expect(failures).toMatchObject([{ error: "unreachable", details: { willRetry: true } }]);
    expect(text).not.toMatch(/ECONN|EHOST|ENET/);
    expect(logLines.join("")).toContain("ECONNREFUSED while connecting");
  });

  it("a receiver that never answers shows timeout", async () => {
    const hook = await receiver(() => "hang");
    const id = await queueTest(`${hook.url}/hang`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    expect(hook.received).toHaveLength(1);
    expect((await logged(id)).delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: "timeout" });
  });

  it("a host that stops resolving after it was saved shows unreachable, and is retried", async () => {
    dns.answers.set("gone.example.test", [publicIp]);
    const id = await queueTest("https://gone.example.test/hook");
    dns.answers.delete("gone.example.test");

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    expect((await logged(id)).delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null, lastError: "unreachable" });
  });

  it("an answer that is not 2xx shows http-<status> with the status code", async () => {
    const hook = await receiver(() => 503);
    const id = await queueTest(`${hook.url}/busy`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    const { delivery, failures } = await logged(id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 503, lastError: "http-503" });
    expect(failures).toMatchObject([{ error: "http-503", details: { statusCode: 503 } }]);
  });

  it.each(["localhost", "127.0.0.1"])("the localhost switch: http://%s saves, and delivers to a local receiver", async (host) => {
    const hook = await receiver(() => 200);
    dns.answers.set("localhost", ["127.0.0.1"]);
    const id = await queueTest(`http://${host}:${hook.port}/local`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 1, delivered: 1, failed: 0 });
    expect(hook.received.map((r) => r.path)).toEqual(["/local"]);
    expect((await logged(id)).delivery).toMatchObject({ status: "delivered", lastError: null });
  });

  it("the localhost switch: http://[::1] saves too", async () => {
    const res = await request(bff.app).post("/api/notifications/subscriptions").set("authorization", admin).send({ name: "v6", kind: "webhook", url: "http://[::1]:8081/hook", scope: "/", events: ["request.opened"] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it.each([
    ["https://[::ffff:127.0.0.1]/", "loopback"],
    ["https://10.0.0.5/", "private (RFC 1918)"],
    ["https://169.254.169.254/", "cloud metadata"],
  ])("the localhost switch opens those three hosts only: %s is still refused", async (url, addressClass) => {
    const res = await request(bff.app).post("/api/notifications/subscriptions").set("authorization", admin).send({ name: "hook", kind: "webhook", url, scope: "/", events: ["request.opened"] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual([{ field: "url", rule: expect.stringMatching(new RegExp(`^must not resolve to a ${addressClass.replace(/[()]/g, "\\$&")} address`)) }]);
  });
});
