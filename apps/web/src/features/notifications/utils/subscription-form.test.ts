import { describe, expect, it } from "vitest";
import { CreateNotificationSubscriptionBodySchema, notificationEvents } from "@portcullis/contract";
import { ApiError } from "../../../lib/api-error.ts";
import { deliveryEventLabel, eventsText, lastResultText } from "./delivery-text.ts";
import {
  emptySubscriptionForm,
  subscriptionBodyFromForm,
  subscriptionFieldErrors,
  toggleEvent,
  validateSubscriptionForm,
  type SubscriptionForm,
} from "./subscription-form.ts";

function form(patch: Partial<SubscriptionForm>): SubscriptionForm {
  return { ...emptySubscriptionForm(), name: "SecOps", url: "https://hooks.example.com/portcullis", ...patch };
}

describe("Add subscription: the body sent", () => {
  it("a webhook sends its URL and, only when typed, its own secret; the contract accepts it", () => {
    const generated = subscriptionBodyFromForm(form({ secret: "" }));
    expect(generated).toEqual({ name: "SecOps", kind: "webhook", url: "https://hooks.example.com/portcullis", scope: "/", events: [...notificationEvents], enabled: true });
    expect(CreateNotificationSubscriptionBodySchema.safeParse(generated).success).toBe(true);
    const own = subscriptionBodyFromForm(form({ secret: "s".repeat(40) }));
    expect(own).toMatchObject({ secret: "s".repeat(40) });
  });

  it("e-mail sends recipients and the requester flag, never a URL or a secret (which the server refuses for e-mail)", () => {
    const body = subscriptionBodyFromForm(form({ kind: "email", emails: ["secops@contoso.test"], toRequester: true, secret: "x".repeat(40), events: ["request.denied"] }));
    expect(body).toEqual({ name: "SecOps", kind: "email", emails: ["secops@contoso.test"], toRequester: true, scope: "/", events: ["request.denied"], enabled: true });
    expect(CreateNotificationSubscriptionBodySchema.safeParse(body).success).toBe(true);
  });

  it("Teams and Slack send the URL only", () => {
    expect(subscriptionBodyFromForm(form({ kind: "teams", secret: "x".repeat(40) }))).not.toHaveProperty("secret");
  });
});

describe("Add subscription: what the form refuses before sending", () => {
  it.each<[string, Partial<SubscriptionForm>, Record<string, RegExp>]>([
    ["no name", { name: " " }, { name: /is required/ }],
    ["a webhook without URL", { url: "" }, { url: /is required/ }],
    ["a URL that is not one", { url: "hooks.example.com" }, { url: /must be a web address/ }],
    ["a short secret", { secret: "short" }, { secret: /at least 32 characters/ }],
    ["e-mail to nobody", { kind: "email", emails: [], toRequester: false }, { emails: /at least one recipient/ }],
    ["no event", { events: [] }, { events: /at least one event/ }],
    ["no scope", { scope: "" }, { scope: /is required/ }],
  ])("%s", (_case, patch, expected) => {
    const errors = validateSubscriptionForm(form(patch));
    expect(Object.keys(errors)).toEqual(Object.keys(expected));
    for (const [field, rule] of Object.entries(expected)) expect(errors[field as keyof typeof errors]).toMatch(rule);
  });

  it("accepts e-mail to the requester alone", () => {
    expect(validateSubscriptionForm(form({ kind: "email", emails: [], toRequester: true }))).toEqual({});
  });

  it("switches events on and off in the contract's order", () => {
    expect(toggleEvent(["request.denied"], "request.pending-approval", true)).toEqual(["request.pending-approval", "request.denied"]);
    expect(toggleEvent(["request.pending-approval", "request.denied"], "request.denied", false)).toEqual(["request.pending-approval"]);
  });
});

describe("the server's refusals on the fields", () => {
  it("puts a non-https URL on the URL field and a bad address on the recipients, numbered", () => {
    const error = new ApiError({
      status: 400,
      code: "BadRequest",
      message: "invalid",
      details: {
        problems: [
          { field: "url", rule: "must use https (http only to localhost in development)" },
          { field: "emails[1]", rule: "must be an e-mail address" },
          { field: "pageSize", rule: "is not used here" },
        ],
      },
    });
    expect(subscriptionFieldErrors(error)).toEqual({
      fields: { url: "must use https (http only to localhost in development)", emails: "recipient 2 must be an e-mail address" },
      other: "pageSize: is not used here",
    });
  });

  it("leaves a 403 whole for the banner", () => {
    const error = new ApiError({ status: 403, code: "Forbidden", message: "needs jit.notifications.write" });
    expect(subscriptionFieldErrors(error)).toEqual({ fields: {}, other: error });
  });
});

describe("delivery log text", () => {
  it("names events, the test, and the last attempt's result", () => {
    expect(deliveryEventLabel("request.pending-approval")).toBe("Request waiting for approval");
    expect(deliveryEventLabel("test")).toBe("Test notification");
    expect(lastResultText({ lastStatusCode: 500, lastError: "http-500" })).toBe("HTTP 500");
    expect(lastResultText({ lastStatusCode: 302, lastError: "http-302" })).toBe("HTTP 302 · redirects are not followed");
    expect(lastResultText({ lastStatusCode: 204, lastError: null })).toBe("HTTP 204");
    expect(lastResultText({ lastStatusCode: null, lastError: null })).toBe("—");
    expect(lastResultText({ lastStatusCode: null, lastError: "SMTP: Invalid login: 535 Authentication failed" })).toBe("SMTP: Invalid login: 535 Authentication failed");
  });

  it.each([
    ["unreachable", "Unreachable (no connection to the endpoint)"],
    ["tls-error", "TLS error (certificate not trusted, or not for this host)"],
    ["timeout", "Timed out (no answer in time)"],
    ["refused-address", "Refused: the host resolves to an address notifications may not reach"],
  ])("words the coarse webhook outcome %s", (lastError, text) => {
    expect(lastResultText({ lastStatusCode: null, lastError })).toBe(text);
  });

  it("sums up a subscription's events", () => {
    expect(eventsText([...notificationEvents])).toBe("All events");
    expect(eventsText(["request.approved", "request.denied"])).toBe("Request approved, Request denied");
  });
});
