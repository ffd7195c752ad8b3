import type { Grant } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { createLogger } from "../lib/logger.ts";
import { demo } from "../test-support/policies.ts";
import { enablePolicy, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { createDeliveryJob, type DeliveryTuning } from "./delivery-job.ts";
import { verifyWebhookSignature } from "./render-webhook.ts";
import { decodeQuotedPrintable, fakeDns, startReceiver, startSmtpServer, type ReceivedRequest, type TestReceiver, type TestSmtpServer } from "../test-support/notifications.ts";

const webRg = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-web-prod";
const appRg = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-app-prod";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deliveries end to end: a real access request, the outbox, the delivery job, and receivers on 127.0.0.1. */
describe("notification delivery", () => {
  const clock = createManualClock(new Date("2030-05-01T08:00:00.000Z"));
  let emulator: TestEmulator;
  let smtp: TestSmtpServer;
  let bff: InProcessBff;
  const receivers: TestReceiver[] = [];
  let admin: string;
  let dev: string;
  // A public address for the example hosts (tests have no DNS); receivers are on 127.0.0.1, allowed in local mode.
  const dns = fakeDns({ "hooks.example.com": ["20.50.1.2"] });

  beforeAll(async () => {
    emulator = await startTestEmulator();
    smtp = await startSmtpServer({ user: "notify", pass: "smtp-Pa55word" });
    bff = await assembleTestBff(emulator, { clock, env: { SMTP_URL: `smtp://notify:smtp-Pa55word@127.0.0.1:${smtp.port}`, SMTP_FROM: "Portcullis <jit@contoso.test>" }, notifications: { resolveHost: dns.resolve } });
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await bff?.close();
    await smtp?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.control.reset();
    emulator.control.setConfig({ writeLatencyMs: 10 });
    smtp.mails.length = 0;
    for (const table of ["notification_outbox", "notification_subscription", "jit_grant", "jit_policy"] as const) await bff.database.kysely.deleteFrom(table).execute();
    await enablePolicy(bff, [demo.web01, demo.app01], [sshPerRequest]);
  });

  async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<TestReceiver> {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  }

  async function subscribe(body: object): Promise<{ id: string; secret?: string }> {
    const res = await request(bff.app).post("/api/notifications/subscriptions").set("authorization", admin).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.subscription.id, secret: res.body.secret };
  }

  async function openAccess(vmId: string, justification = "INC-4711 deploy hotfix", durationMinutes = 60): Promise<Grant> {
    const res = await requestAccess(bff, dev, { vmId, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes, justification });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Grant;
  }

  /** A delivery job with short retries (its own process id, as another replica would have). */
  function fastJob(tuning: DeliveryTuning = {}) {
    const addresses = { allowHttpLocalhost: bff.config.notifications.allowHttpLocalhost, allowedHosts: new Set(bff.config.notifications.allowedHosts), resolve: dns.resolve };
    return createDeliveryJob({ db: bff.database.kysely, audit: bff.audit, logger: createLogger("silent"), render: { publicUrl: bff.url }, mailer: null, addresses, tuning: { retryDelaysMs: [50], timeoutMs: 2_000, ...tuning } });
  }

  const outbox = () => bff.database.kysely.selectFrom("notification_outbox").selectAll().orderBy("created_at").execute();

  it("the test receiver gets request.opened signed with HMAC-SHA256; its first answer (500) is retried and the retry, with the same delivery id, is delivered", async () => {
    let secret = "";
    const verdicts: boolean[] = [];
    const hook = await receiver((req: ReceivedRequest, index) => {
      verdicts.push(verifyWebhookSignature(secret, { timestamp: String(req.headers["x-portcullis-timestamp"]), signature: String(req.headers["x-portcullis-signature"]) }, req.body, new Date()));
      return index === 0 ? 500 : 200;
    });
    const subscription = await subscribe({ name: "SOC", kind: "webhook", url: `${hook.url}/hooks/portcullis`, scope: webRg, events: ["request.opened"] });
    secret = subscription.secret ?? "";
    const grant = await openAccess(demo.web01);

    const job = fastJob();
    expect(await job.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    const [afterFirst] = await outbox();
    expect(afterFirst).toMatchObject({ status: "pending", attempts: 1, last_status_code: 500, last_error: "http-500" });
    // Not due again before its backoff.
    expect(await job.run()).toEqual({ claimed: 0, delivered: 0, failed: 0 });
    await sleep(100);
    expect(await job.run()).toEqual({ claimed: 1, delivered: 1, failed: 0 });

    expect(hook.received).toHaveLength(2);
    expect(verdicts).toEqual([true, true]);
    const [first, second] = hook.received;
    expect(first?.path).toBe("/hooks/portcullis");
    expect(first?.headers["x-portcullis-delivery"]).toBe(afterFirst?.id);
    expect(second?.headers["x-portcullis-delivery"]).toBe(afterFirst?.id);
    expect(second?.headers["x-portcullis-event"]).toBe("request.opened");
    expect(JSON.parse(second?.body ?? "{}")).toMatchObject({
      id: afterFirst?.id,
      event: "request.opened",
      label: "Access opened",
      vmName: "vm-prod-web-01",
      grantId: grant.id,
      ports: [{ port: 22, protocol: "TCP" }],
      sources: ["198.51.100.7/32"],
      durationMinutes: 60,
      justification: "INC-4711 deploy hotfix",
      requester: { name: "Dana Developer", username: "dev@contoso.test" },
      portalUrl: `${bff.url}/jit`,
    });

    const log = await request(bff.app).get("/api/notifications/deliveries").set("authorization", admin);
    expect(log.body.items).toMatchObject([{ subscriptionId: subscription.id, event: "request.opened", vmName: "vm-prod-web-01", status: "delivered", attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null }]);
    const failures = (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "notification.failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      outcome: "failure",
      vmId: demo.web01.toLowerCase(),
      error: "http-500",
      details: { deliveryId: afterFirst?.id, subscriptionId: subscription.id, subscriptionName: "SOC", kind: "webhook", event: "request.opened", attempt: 1, statusCode: 500, willRetry: true },
    });
    // The failure event notified nobody (no loop): still the one delivery.
    expect(await outbox()).toHaveLength(1);
  });

  it("a redirect is a failure (not followed); retries follow the backoff (10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 1 h) and the 8th failure is final", async () => {
    const hook = await receiver(() => 302);
    await subscribe({ name: "moved", kind: "webhook", url: `${hook.url}/moved`, scope: "/", events: ["request.opened"] });
    await openAccess(demo.web01);
    const time = createManualClock(new Date(Date.now() + 1_000));
    const job = fastJob({ retryDelaysMs: undefined, clock: time, random: () => 0.5 });

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      expect(await job.run()).toEqual({ claimed: 1, delivered: 0, failed: 1 });
      const [row] = await outbox();
      if (row?.next_attempt_at !== null && row?.next_attempt_at !== undefined) {
        waits.push(new Date(row.next_attempt_at).getTime() - time.now().getTime());
        time.set(new Date(row.next_attempt_at));
      }
    }
    expect(waits).toEqual([10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000]);
    const [row] = await outbox();
    expect(row).toMatchObject({ status: "failed", attempts: 8, next_attempt_at: null, last_status_code: 302, last_error: "http-302" });
    time.advance(86_400_000);
    expect(await job.run()).toEqual({ claimed: 0, delivered: 0, failed: 0 });
    expect(hook.received.map((r) => r.path)).toEqual(Array(8).fill("/moved"));
    const failures = (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "notification.failed" && e.details["deliveryId"] === row?.id);
    expect(failures.map((e) => [e.details["attempt"], e.details["willRetry"]])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, n < 8]));
  });

  it("an endpoint that never answers holds up nothing: the grant opens and expires on time while the delivery times out, and it is retried", async () => {
    const hook = await receiver(() => "hang");
    await subscribe({ name: "black hole", kind: "webhook", url: `${hook.url}/hang`, scope: "/", events: ["request.opened", "request.expired"] });
    const job = fastJob({ timeoutMs: 1_500 });

    const grant = await openAccess(demo.web01);
    expect(grant.status).toBe("open");
    let deliveryDone = false;
    const delivering = job.run().finally(() => (deliveryDone = true));
    await sleep(50);
    clock.advance(60 * 60_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(deliveryDone).toBe(false);
    expect((await request(bff.app).get(`/api/grants/${grant.id}`).set("authorization", dev)).body).toMatchObject({ status: "closed", statusReason: "Expired" });

    expect(await delivering).toEqual({ claimed: 1, delivered: 0, failed: 1 });
    const opened = (await outbox()).find((r) => r.event === "request.opened");
    expect(opened).toMatchObject({ status: "pending", attempts: 1, last_status_code: null, last_error: "timeout" });
    await sleep(100);
    expect(await job.run()).toEqual({ claimed: 2, delivered: 0, failed: 2 });
    expect((await outbox()).map((r) => [r.event, r.attempts, r.status])).toEqual([
      ["request.opened", 2, "pending"],
      ["request.expired", 1, "pending"],
    ]);
    expect(hook.received.length).toBe(3);
  });

  it("Teams and Slack (receivers on localhost, allowed in development) get readable cards naming the VM and the requester", async () => {
    const hook = await receiver(() => 200);
    await subscribe({ name: "Teams", kind: "teams", url: `${hook.url}/teams`, scope: "/", events: ["request.opened"] });
    await subscribe({ name: "Slack", kind: "slack", url: `${hook.url}/slack`, scope: "/", events: ["request.opened"] });
    await openAccess(demo.web01);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 2, delivered: 2, failed: 0 });
    const byPath = new Map(hook.received.map((r) => [r.path, r]));
    const teams = JSON.parse(byPath.get("/teams")?.body ?? "{}");
    const card = teams.attachments[0].content;
    expect(card.body[0].text).toBe("Access opened: vm-prod-web-01");
    expect(card.body[2].facts).toEqual(
      expect.arrayContaining([
        { title: "VM", value: "vm-prod-web-01" },
        { title: "Requester", value: "Dana Developer (dev@contoso.test)" },
        { title: "Ports", value: "22/TCP" },
      ]),
    );
    expect(card.actions[0]).toMatchObject({ type: "Action.OpenUrl", url: `${bff.url}/jit` });
    const slack = JSON.parse(byPath.get("/slack")?.body ?? "{}");
    expect(slack.blocks[0].text.text).toBe("Access opened: vm-prod-web-01");
    expect(slack.blocks[1].fields.map((f: { text: string }) => f.text)).toEqual(expect.arrayContaining(["*VM*\nvm-prod-web-01", "*Requester*\nDana Developer (dev@contoso.test)"]));
    expect(byPath.get("/slack")?.headers["content-type"]).toBe("application/json");
  });

  it("e-mail goes over SMTP (with the URL's credentials) to the listed address and to the requester, subject [Portcullis] <label>: <VM>, justification escaped", async () => {
    await subscribe({ name: "SecOps mail", kind: "email", emails: ["secops@contoso.test"], toRequester: true, scope: "/", events: ["request.opened"] });
    await openAccess(demo.web01, `<script>alert("x")</script> INC-9 & more`);

    expect(await bff.notifications.delivery.run()).toEqual({ claimed: 2, delivered: 2, failed: 0 });
    const mails = [...smtp.mails].sort((a, b) => (a.to[0] ?? "").localeCompare(b.to[0] ?? ""));
    expect(mails.map((m) => [m.to, m.from, m.user])).toEqual([
      [["dev@contoso.test"], "jit@contoso.test", "notify"],
      [["secops@contoso.test"], "jit@contoso.test", "notify"],
    ]);
    for (const mail of mails) {
      expect(mail.raw).toContain("Subject: [Portcullis] Access opened: vm-prod-web-01");
      const htmlPart = decodeQuotedPrintable(mail.raw.slice(mail.raw.indexOf("Content-Type: text/html")));
      expect(htmlPart).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; INC-9 &amp; more");
      expect(htmlPart).not.toContain("<script>");
    }
    expect(decodeQuotedPrintable(mails[0]?.raw ?? "")).toContain(`${bff.url}/my-access`);
    expect(decodeQuotedPrintable(mails[1]?.raw ?? "")).toContain(`${bff.url}/jit`);
    const log = await request(bff.app).get("/api/notifications/deliveries").set("authorization", admin);
    expect(log.body.items.map((d: { subscriptionName: string; targetDisplay: string; status: string }) => [d.subscriptionName, d.targetDisplay, d.status]).sort()).toEqual([
      ["SecOps mail (to the requester)", "dev@contoso.test", "delivered"],
      ["SecOps mail", "secops@contoso.test", "delivered"],
    ]);
  });

  it("a subscription scoped to one resource group hears its VMs' events and not another group's", async () => {
    const web = await subscribe({ name: "web tier", kind: "webhook", url: "https://hooks.example.com/web", scope: webRg, events: ["request.opened"] });
    await subscribe({ name: "app tier", kind: "webhook", url: "https://hooks.example.com/app", scope: appRg, events: ["request.opened"] });
    await openAccess(demo.web01);
    expect((await outbox()).map((r) => [r.subscription_id, r.subscription_name, r.vm_name])).toEqual([[web.id, "web tier", "vm-prod-web-01"]]);
  });

  it("the expiry warning: 9 minutes before the end one request.expiring is queued, a second run adds none; an extension past the window warns again", async () => {
    await subscribe({ name: "expiring", kind: "webhook", url: "https://hooks.example.com/x", scope: "/", events: ["request.expiring"] });
    const grant = await openAccess(demo.web01, "INC-1", 60);
    const expiring = async () => (await outbox()).filter((r) => r.event === "request.expiring");

    clock.advance(49 * 60_000);
    expect(await bff.notifications.expiryWarnings.run()).toBe(0);
    clock.advance(2 * 60_000);
    expect(await bff.notifications.expiryWarnings.run()).toBe(1);
    expect(await bff.notifications.expiryWarnings.run()).toBe(0);
    const [warning] = await expiring();
    expect(warning?.vm_name).toBe("vm-prod-web-01");
    expect(warning?.payload).toMatchObject({ grantId: grant.id, endsAt: grant.endsAt, requester: { name: "Dana Developer" }, portalPath: "/jit" });
    expect(await expiring()).toHaveLength(1);

    const extended = await request(bff.app).post(`/api/grants/${grant.id}/extend`).set("authorization", dev).send({ addMinutes: 30 });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(await bff.notifications.expiryWarnings.run()).toBe(0);
    clock.advance(30 * 60_000);
    expect(await bff.notifications.expiryWarnings.run()).toBe(1);
    expect(await expiring()).toHaveLength(2);
    clock.advance(10 * 60_000);
    await bff.jobs.expiry.sweep();
  });
});
