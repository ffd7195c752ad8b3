import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { fakeDns } from "../test-support/notifications.ts";

const webRg = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-web-prod";
const publicIp = "20.50.1.2";

const refusedRule = (addressClass: string) =>
  `must not resolve to a ${addressClass} address (notifications go to public addresses only, unless the operator lists the host in NOTIFY_ALLOWED_HOSTS)`;
const loopback = "loopback";
const rfc1918 = "private (RFC 1918)";
const ula = "private (IPv6 unique local)";
const metadata = "cloud metadata";
const reservedV4 = "reserved (documentation, benchmarking or future use)";

/** Names the test DNS knows; each stands for a way a host name can lead somewhere internal. */
const dns = fakeDns({
  "hooks.example.test": [publicIp],
  "v6.example.test": ["2603:1000::1"],
  "localhost": ["127.0.0.1", "::1"],
  "internal.corp.test": ["10.1.2.3"],
  "allowed.corp.test": ["10.20.0.1"],
  "mixed.example.test": [publicIp, "10.1.2.3"],
  "mixed-v6.example.test": ["2603:1000::1", "fe80::1%eth0"],
  "imds.example.test": ["169.254.169.254"],
  "wire.example.test": ["168.63.129.16"],
  "mapped.example.test": ["::ffff:127.0.0.1"],
  "nat64.example.test": ["64:ff9b::a9fe:a9fe"],
  "cgnat.example.test": ["100.64.0.1"],
  "xn--bcher-kva.example.test": ["192.168.1.1"],
  "evil.webhook.office.com": ["10.0.0.5"],
  "hooks.slack.com": ["127.0.0.1"],
  "not-an-address.example.test": ["localhost"],
});

/** Webhook URLs refused when saved, by what the address is; the class each is refused as. */
const refused: Array<[string, string]> = [
  // IPv4, one address in each refused range.
  ["https://127.0.0.1:5432/", loopback],
  ["https://10.0.0.5/", rfc1918],
  ["https://172.16.3.4/", rfc1918],
  ["https://192.168.0.1/", rfc1918],
  ["https://169.254.169.254/metadata/instance?api-version=2021-02-01", metadata],
  ["https://168.63.129.16/machine?comp=goalstate", metadata],
  ["https://169.254.10.1/", "link-local"],
  ["https://0.0.0.0/", "unspecified"],
  ["https://100.64.0.1/", "shared (RFC 6598, carrier-grade NAT)"],
  ["https://224.0.0.1/", "multicast"],
  ["https://255.255.255.255/", "broadcast"],
  ["https://192.0.2.1/", reservedV4],
  ["https://198.18.0.1/", reservedV4],
  ["https://240.0.0.1/", reservedV4],
  // IPv6.
  ["https://[::1]/", loopback],
  ["https://[::]/", "unspecified"],
  ["https://[fd00::1]/", ula],
  ["https://[fd00:ec2::254]/", metadata],
  ["https://[fe80::1]/", "link-local"],
  ["https://[ff02::1]/", "multicast"],
  ["https://[2001:db8::1]/", "reserved (documentation or IETF protocol assignments)"],
  // IPv6 forms of a refused IPv4 address.
  ["https://[::ffff:127.0.0.1]/", loopback],
  ["https://[0:0:0:0:0:ffff:7f00:1]/", loopback],
  ["https://[::ffff:a9fe:a9fe]/", metadata],
  ["https://[64:ff9b::10.0.0.5]/", rfc1918],
  ["https://[2002:7f00:1::]/", loopback],
  // Other spellings of 127.0.0.1 and 10.0.0.5, which URL parsing turns into the address.
  ["https://2130706433/", loopback],
  ["https://0x7f.1/", loopback],
  ["https://0177.0.0.1/", loopback],
  ["https://127.1/", loopback],
  ["https://127.0.0.1./", loopback],
  ["https://１２７.０.０.１/", loopback],
  ["https://0x0a.0.0.5/", rfc1918],
  ["https://LOCALHOST/", loopback],
  ["https://localhost./", loopback],
  ["https://ⓛocalhost/", loopback],
  // Names that resolve to refused addresses; every address counts, not only the first.
  ["https://internal.corp.test/", rfc1918],
  ["https://Internal.Corp.Test./hook", rfc1918],
  ["https://mixed.example.test/", rfc1918],
  ["https://mixed-v6.example.test/", "link-local"],
  ["https://imds.example.test/", metadata],
  ["https://wire.example.test/", metadata],
  ["https://mapped.example.test/", loopback],
  ["https://nat64.example.test/", metadata],
  ["https://cgnat.example.test/", "shared (RFC 6598, carrier-grade NAT)"],
  ["https://bücher.example.test/", rfc1918],
  ["https://not-an-address.example.test/", "unparseable"],
];

/** Subscriptions' URLs and the address rules, on a BFF in Entra-like posture (no http to localhost) with an allow-list. */
describe("webhook address rules when a subscription is saved", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const tokens: Record<string, string> = {};
  const as = (user: string) => `Bearer ${tokens[user]}`;
  const create = (user: string, body: object) => request(bff.app).post("/api/notifications/subscriptions").set("authorization", as(user)).send(body);
  const stored = () => bff.database.kysely.selectFrom("notification_subscription").select(["name", "target"]).execute();
  /** Each user writes at a scope they administer: the tenant, or their resource group. */
  const scopeOf: Record<string, string> = { admin: "/", reader: webRg };

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, {
      env: { NOTIFY_ALLOW_HTTP_LOCALHOST: "false", NOTIFY_ALLOWED_HOSTS: "allowed.corp.test, 10.9.9.9, [fd00::99]" },
      notifications: { resolveHost: dns.resolve },
    });
    for (const user of ["admin", "reader"]) tokens[user] = await signInAs(bff, `${user}@contoso.test`);
    // Riley Reader is Admin of one resource group only.
    const reader = demoUsers.find((u) => u.username === "reader@contoso.test");
    await bff.assignments.create({ principalType: "user", principalId: reader?.oid ?? "", principalName: "Riley Reader", role: "Admin", scope: webRg, createdBy: { oid: "t", name: "test" } });
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    await bff.database.kysely.deleteFrom("notification_outbox").execute();
    await bff.database.kysely.deleteFrom("notification_subscription").execute();
  });

  describe.each(["admin", "reader"])("POST by %s", (user) => {
    const webhook = (url: string, extra: object = {}) => ({ name: "probe", kind: "webhook", url, scope: scopeOf[user], events: ["request.opened"], ...extra });

    it.each(refused)(
      "%s is refused (400 naming url, the rule says %s); nothing is stored; the refusal is audited without the resolved address",
      async (url, addressClass) => {
        const res = await create(user, webhook(url));
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.error).toEqual({ code: "BadRequest", message: `url: ${refusedRule(addressClass)}`, details: { problems: [{ field: "url", rule: refusedRule(addressClass) }] } });
        expect(await stored()).toEqual([]);
        const events = await listAuditEvents(bff.database.kysely, { correlationId: String(res.headers["x-request-id"]) });
        expect(events).toMatchObject([{ action: "notification.subscription-added", outcome: "failure", error: `url: ${refusedRule(addressClass)}`, details: { name: "probe", kind: "webhook", scope: scopeOf[user]?.toLowerCase() } }]);
        // The answer and the trail name the class of address, never the address a name resolved to.
        for (const text of [JSON.stringify(res.body), JSON.stringify(events)]) expect(text).not.toMatch(/10\.1\.2\.3|192\.168\.1\.1|fe80::1%eth0/);
      },
    );

    it.each([
      ["teams", "https://evil.webhook.office.com/webhookb2/x", rfc1918],
      ["slack", "https://hooks.slack.com/services/T0/B0/x", loopback],
    ])("a %s URL on its service's host that resolves to a refused address is refused too", async (kind, url, addressClass) => {
      const res = await create(user, webhook(url, { kind }));
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems).toEqual([{ field: "url", rule: refusedRule(addressClass) }]);
      expect(await stored()).toEqual([]);
    });

    it("a host that does not resolve is refused (400 naming url), nothing stored", async () => {
      const res = await create(user, webhook("https://nowhere.example.test/hook"));
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems).toEqual([{ field: "url", rule: "must name a host that resolves (nowhere.example.test does not resolve)" }]);
      expect(await stored()).toEqual([]);
    });

    it.each([
      ["https://hooks.example.test/portcullis", "https://hooks.example.test/portcullis"],
      ["https://v6.example.test/portcullis", "https://v6.example.test/portcullis"],
      [`https://${publicIp}/portcullis`, `https://${publicIp}/portcullis`],
      ["https://[2603:1000::1]/portcullis", "https://[2603:1000::1]/portcullis"],
      ["https://[::ffff:8.8.8.8]/portcullis", "https://[::ffff:808:808]/portcullis"],
    ])("a public address or a host that resolves only to public addresses is saved: %s", async (url, target) => {
      const res = await create(user, webhook(url));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(await stored()).toEqual([{ name: "probe", target }]);
    });

    it.each([
      ["https://allowed.corp.test/hook", "https://allowed.corp.test/hook"],
      ["https://Allowed.Corp.Test./hook", "https://allowed.corp.test./hook"],
      ["https://10.9.9.9/hook", "https://10.9.9.9/hook"],
      ["https://[FD00:0::99]/hook", "https://[fd00::99]/hook"],
    ])("a host on NOTIFY_ALLOWED_HOSTS may resolve to a private address: %s is saved", async (url, target) => {
      const res = await create(user, webhook(url));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(await stored()).toEqual([{ name: "probe", target }]);
    });

    it("the allow-list names hosts, not ranges: 10.9.9.8 next to the listed 10.9.9.9 is refused", async () => {
      const res = await create(user, webhook("https://10.9.9.8/hook"));
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems).toEqual([{ field: "url", rule: refusedRule(rfc1918) }]);
    });
  });

  it("PATCH cannot change the URL: a url in the body is ignored and the stored target stays the checked one", async () => {
    const created = await create("reader", { name: "web tier", kind: "webhook", url: "https://hooks.example.test/web", scope: webRg, events: ["request.opened"] });
    expect(created.status).toBe(201);
    const res = await request(bff.app).patch(`/api/notifications/subscriptions/${created.body.subscription.id}`).set("authorization", as("reader")).send({ url: "https://169.254.169.254/", enabled: false });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ targetDisplay: "https://hooks.example.test/…", enabled: false });
    expect(await stored()).toEqual([{ name: "web tier", target: "https://hooks.example.test/web" }]);
  });
});
