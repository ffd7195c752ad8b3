import { describe, expect, it } from "vitest";
import { InputError } from "../lib/errors.ts";
import { checkWebhookUrl, targetDisplay } from "./targets.ts";

const dev = { allowHttpLocalhost: true };
const prod = { allowHttpLocalhost: false };

function refusal(run: () => unknown): { message: string; details: unknown } | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { message: error.message, details: error.details };
  }
}

describe("webhook URL rules", () => {
  it.each([
    ["webhook", "https://hooks.example.com/portcullis", dev],
    ["webhook", "http://localhost:8081/hook", dev],
    ["webhook", "http://127.0.0.1:8081/hook", dev],
    ["webhook", "http://[::1]:8081/hook", dev],
    ["teams", "https://contoso.webhook.office.com/webhookb2/abc", prod],
    ["teams", "https://prod-12.westeurope.logic.azure.com:443/workflows/abc", prod],
    ["teams", "https://default1234.56.environment.api.powerplatform.com/powerautomate/abc", prod],
    ["teams", "http://127.0.0.1:9000/teams", dev],
    ["slack", "https://hooks.slack.com/services/T0/B0/XYZ", prod],
    ["slack", "http://localhost:9000/slack", dev],
  ] as const)("accepts %s %s", (kind, url, policy) => {
    expect(checkWebhookUrl(kind, url, policy).href).toBe(new URL(url).href);
  });

  it.each([
    ["webhook", "not a url", dev, "url: must be an absolute URL such as https://example.com/hook"],
    ["webhook", "http://hooks.example.com/hook", dev, "url: must use https (http is allowed only to localhost, in development)"],
    ["webhook", "http://localhost:8081/hook", prod, "url: must use https: this server does not allow http to localhost (NOTIFY_ALLOW_HTTP_LOCALHOST is off)"],
    ["webhook", "ftp://hooks.example.com/hook", dev, "url: must use https"],
    ["webhook", "https://user:pass@hooks.example.com/hook", dev, "url: must not contain a user name or password"],
    ["teams", "https://teams.example.com/webhook", dev, "url: must be a Teams incoming webhook or Workflows URL (on *.webhook.office.com, *.logic.azure.com, *.environment.api.powerplatform.com)"],
    ["teams", "https://webhook.office.com.evil.example/x", dev, "url: must be a Teams incoming webhook or Workflows URL (on *.webhook.office.com, *.logic.azure.com, *.environment.api.powerplatform.com)"],
    ["teams", "https://localhost/teams", prod, "url: must be a Teams incoming webhook or Workflows URL (on *.webhook.office.com, *.logic.azure.com, *.environment.api.powerplatform.com)"],
    ["slack", "https://hooks.slack.com.evil.example/services/x", dev, "url: must be a Slack incoming webhook URL (on hooks.slack.com)"],
  ] as const)("refuses %s %s", (kind, url, policy, message) => {
    const refused = refusal(() => checkWebhookUrl(kind, url, policy));
    expect(refused?.message).toBe(message);
    expect(refused?.details).toEqual({ problems: [{ field: "url", rule: message.slice("url: ".length) }] });
  });
});

describe("target display", () => {
  it("shows scheme and host of URLs (their paths are secrets), and the e-mail recipients", () => {
    expect(targetDisplay("teams", "https://contoso.webhook.office.com/webhookb2/secret-path", false)).toBe("https://contoso.webhook.office.com/…");
    expect(targetDisplay("webhook", "http://127.0.0.1:8081/hook?token=abc", false)).toBe("http://127.0.0.1:8081/…");
    expect(targetDisplay("email", '["a@contoso.test","b@contoso.test"]', true)).toBe("a@contoso.test, b@contoso.test and the requester");
    expect(targetDisplay("email", "[]", true)).toBe("the requester");
  });
});
