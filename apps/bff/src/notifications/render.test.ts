import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { NotificationPayload } from "./notification-events.ts";
import { escapeSlack, escapeTeamsMarkdown, renderSlack, renderTeams } from "./render-chat.ts";
import { renderEmail } from "./render-email.ts";
import { factsOf, type OutboxMessage } from "./render-text.ts";
import { renderWebhook, verifyWebhookSignature } from "./render-webhook.ts";

const hostile = "fix [click](https://evil.example) *now* <script>alert('x')</script> & <@U123>";

const payload: NotificationPayload = {
  auditEventId: "e1",
  action: "request.opened",
  occurredAt: "2030-05-01T08:00:00.000Z",
  outcome: "success",
  actor: { oid: "dev-oid", name: "Dana Developer" },
  vmId: "/subscriptions/s/resourcegroups/rg-web-prod/providers/microsoft.compute/virtualmachines/vm-prod-web-01",
  vmName: "vm-prod-web-01",
  grantId: "g1",
  ports: [{ port: 22, protocol: "TCP" }],
  sources: ["203.0.113.7/32"],
  durationMinutes: 120,
  justification: hostile,
  requester: { oid: "dev-oid", name: "Dana Developer", username: "dev@contoso.test" },
  endsAt: "2030-05-01T10:00:00.000Z",
  portalPath: "/jit",
};
const message: OutboxMessage = { id: "d-1", event: "request.opened", payload };
const context = { publicUrl: "https://jit.contoso.test" };

describe("the generic webhook", () => {
  const secret = "s".repeat(40);
  const now = new Date("2030-05-01T08:00:05.000Z");
  const rendered = renderWebhook(message, context, secret, now);

  it("is JSON with the delivery id, event, label, time, facts and the portal link (no internal path key)", () => {
    const body = JSON.parse(rendered.body);
    expect(Object.keys(body).slice(0, 4)).toEqual(["id", "event", "label", "occurredAt"]);
    expect(body).toMatchObject({ id: "d-1", event: "request.opened", label: "Access opened", occurredAt: "2030-05-01T08:00:00.000Z", vmName: "vm-prod-web-01", grantId: "g1", justification: hostile, portalUrl: "https://jit.contoso.test/jit" });
    expect(body).not.toHaveProperty("portalPath");
  });

  it("carries the event, delivery id, unix timestamp and a v1 HMAC-SHA256 of `<timestamp>.<body>` (the README's recipe verifies it)", () => {
    expect(rendered.headers).toMatchObject({ "Content-Type": "application/json", "X-Portcullis-Event": "request.opened", "X-Portcullis-Delivery": "d-1", "X-Portcullis-Timestamp": String(now.getTime() / 1000) });
    // The recipe from the README, written out independently of the renderer.
    const expected = `v1=${createHmac("sha256", secret).update(`${rendered.headers["X-Portcullis-Timestamp"]}.${rendered.body}`).digest("hex")}`;
    expect(rendered.headers["X-Portcullis-Signature"]).toBe(expected);
    const headers = { timestamp: rendered.headers["X-Portcullis-Timestamp"], signature: rendered.headers["X-Portcullis-Signature"] };
    expect(verifyWebhookSignature(secret, headers, rendered.body, now)).toBe(true);
    expect(verifyWebhookSignature("another-secret-another-secret-another", headers, rendered.body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, headers, rendered.body.replace("vm-prod-web-01", "vm-prod-web-02"), now)).toBe(false);
    // A replay ten minutes later is refused.
    expect(verifyWebhookSignature(secret, headers, rendered.body, new Date(now.getTime() + 600_000))).toBe(false);
  });
});

describe("Teams", () => {
  it("is one Adaptive Card with the title, the facts (VM, requester, ports, source, duration, justification) and an Open in Portcullis action", () => {
    const body = JSON.parse(renderTeams(message, context).body);
    expect(body.type).toBe("message");
    expect(body.attachments).toHaveLength(1);
    const [attachment] = body.attachments;
    expect(attachment.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const card = attachment.content;
    expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(card.body[0]).toMatchObject({ type: "TextBlock", text: "Access opened: vm-prod-web-01", weight: "Bolder" });
    const facts = Object.fromEntries(card.body[2].facts.map((f: { title: string; value: string }) => [f.title, f.value]));
    expect(facts).toMatchObject({ VM: "vm-prod-web-01", Requester: "Dana Developer (dev@contoso.test)", Ports: "22/TCP", Source: "203.0.113.7/32", Duration: "2 h" });
    expect(card.actions).toEqual([{ type: "Action.OpenUrl", title: "Open in Portcullis", url: "https://jit.contoso.test/jit" }]);
  });

  it("escapes the Markdown a justification could use for links or formatting", () => {
    const body = JSON.parse(renderTeams(message, context).body);
    const justification = body.attachments[0].content.body[2].facts.find((f: { title: string }) => f.title === "Justification").value as string;
    expect(justification).toBe(escapeTeamsMarkdown(hostile));
    expect(justification).toContain("\\[click\\](https://evil.example)");
    expect(justification).not.toMatch(/(?<!\\)\[click/);
  });
});

describe("Slack", () => {
  it("is Block Kit: header, a section with the facts as fields, and a button to the portal", () => {
    const body = JSON.parse(renderSlack(message, context).body);
    expect(body.text).toContain("Access opened: vm-prod-web-01");
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual(["header", "section", "actions"]);
    expect(body.blocks[0].text).toEqual({ type: "plain_text", text: "Access opened: vm-prod-web-01", emoji: false });
    const fields = body.blocks[1].fields.map((f: { text: string }) => f.text);
    expect(fields).toContain("*VM*\nvm-prod-web-01");
    expect(fields).toContain("*Requester*\nDana Developer (dev@contoso.test)");
    expect(body.blocks[2].elements[0]).toMatchObject({ type: "button", url: "https://jit.contoso.test/jit" });
  });

  it("escapes &, < and > so a justification cannot mention users or form links", () => {
    const body = JSON.parse(renderSlack(message, context).body);
    const field = body.blocks[1].fields.find((f: { text: string }) => f.text.startsWith("*Justification*")).text as string;
    expect(field).toBe(`*Justification*\n${escapeSlack(hostile)}`);
    expect(field).toContain("&lt;@U123&gt;");
    expect(field).not.toContain("<@U123>");
  });
});

describe("e-mail", () => {
  it("has the subject [Portcullis] <label>: <VM> and escapes every user-supplied string in the HTML", () => {
    const mail = renderEmail(message, context);
    expect(mail.subject).toBe("[Portcullis] Access opened: vm-prod-web-01");
    expect(mail.text).toContain(`Justification: ${hostile}`);
    expect(mail.text).toContain("Open in Portcullis: https://jit.contoso.test/jit");
    expect(mail.html).toContain("fix [click](https://evil.example) *now* &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;@U123&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain('<a href="https://jit.contoso.test/jit">Open in Portcullis</a>');
  });

  it("a requester's own copy links to My access; a pending approval to the approvals page", () => {
    expect(renderEmail({ ...message, payload: { ...payload, portalPath: "/my-access" } }, context).text).toContain("https://jit.contoso.test/my-access");
    const pending = renderEmail({ ...message, event: "request.pending-approval", payload: { ...payload, required: 2, portalPath: "/approvals" } }, context);
    expect(pending.subject).toBe("[Portcullis] Request waiting for approval: vm-prod-web-01");
    expect(pending.text).toContain("Dana Developer asks for access to vm-prod-web-01 (22/TCP); 2 approvals needed.");
    expect(pending.text).toContain("https://jit.contoso.test/approvals");
  });
});

describe("the Source fact warns by the addresses covered, not the spelling", () => {
  it.each([
    [["203.0.113.7/32"], "203.0.113.7/32"],
    [["*"], "* (warning: this opens the port to every IPv4 address and every IPv6 address)"],
    [["0.0.0.0/1", "128.0.0.0/1"], "0.0.0.0/1, 128.0.0.0/1 (warning: this opens the port to every IPv4 address)"],
    [["10.0.0.0/16"], "10.0.0.0/16 (warning: this opens the port to 65,536 IPv4 addresses (as wide as a /16))"],
  ])("%j reads %s", (sources, text) => {
    const facts = Object.fromEntries(factsOf({ ...message, payload: { ...message.payload, sources } }).map((f) => [f.title, f.value]));
    expect(facts["Source"]).toBe(text);
  });
});
