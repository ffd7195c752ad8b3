import {
  fieldPathParts,
  notificationEvents,
  type ChannelKind,
  type CreateNotificationSubscriptionBody,
  type NotificationEvent,
} from "@portcullis/contract";
import { validationProblems as problemsOf } from "../../../lib/field-errors.ts";

/** The Add subscription blade's fields, as typed. */
export type SubscriptionForm = {
  name: string;
  kind: ChannelKind;
  /** Webhook, Teams, Slack. */
  url: string;
  /** E-mail recipients. */
  emails: string[];
  /** E-mail: also to the requester of the request the event is about. */
  toRequester: boolean;
  /** Webhook: the signing key; empty lets the server make one (shown once). */
  secret: string;
  scope: string;
  events: NotificationEvent[];
  enabled: boolean;
};

export const subscriptionFields = ["name", "kind", "url", "emails", "toRequester", "secret", "scope", "events", "enabled"] as const;
export type SubscriptionField = (typeof subscriptionFields)[number];
export type SubscriptionFieldErrors = Partial<Record<SubscriptionField, string>>;

export const minSecretLength = 32;

/** A signed webhook for every event of the whole tenant, on. */
export function emptySubscriptionForm(): SubscriptionForm {
  return { name: "", kind: "webhook", url: "", emails: [], toRequester: false, secret: "", scope: "/", events: [...notificationEvents], enabled: true };
}

export const channelLabels: Record<ChannelKind, string> = {
  webhook: "Webhook (signed JSON)",
  teams: "Microsoft Teams",
  slack: "Slack",
  email: "E-mail",
};

/** Switching an event on or off, keeping the contract's order. */
export function toggleEvent(events: readonly NotificationEvent[], event: NotificationEvent, on: boolean): NotificationEvent[] {
  return notificationEvents.filter((candidate) => (candidate === event ? on : events.includes(candidate)));
}

function isUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * What the form can tell before asking the server. The server checks the rest (https, or http to localhost in
 * development; the addresses; the scope's form) and its problems land on the same fields.
 */
export function validateSubscriptionForm(form: SubscriptionForm): SubscriptionFieldErrors {
  const errors: SubscriptionFieldErrors = {};
  if (form.name.trim() === "") errors.name = "is required";
  if (form.kind === "email") {
    if (form.emails.length === 0 && !form.toRequester) errors.emails = "must name at least one recipient, unless the e-mail goes to the requester";
  } else if (form.url.trim() === "") errors.url = "is required";
  else if (!isUrl(form.url.trim())) errors.url = "must be a web address such as https://hooks.example.com/portcullis";
  if (form.kind === "webhook" && form.secret !== "" && form.secret.length < minSecretLength) errors.secret = `must be at least ${minSecretLength} characters`;
  if (form.scope.trim() === "") errors.scope = "is required";
  if (form.events.length === 0) errors.events = "choose at least one event";
  return errors;
}

/** The POST for the form: only the fields its kind uses, so the server's "is not used for" rules never trip. */
export function subscriptionBodyFromForm(form: SubscriptionForm): CreateNotificationSubscriptionBody {
  const common = { name: form.name.trim(), kind: form.kind, scope: form.scope.trim(), events: [...form.events], enabled: form.enabled };
  if (form.kind === "email") return { ...common, emails: [...form.emails], toRequester: form.toRequester };
  return { ...common, url: form.url.trim(), ...(form.kind === "webhook" && form.secret !== "" ? { secret: form.secret } : {}) };
}

/**
 * Puts a 400's problems on the blade's fields: `emails[1]` is the second recipient ("recipient 2 must be an
 * e-mail address"), `events[0]` the events. What names no field, and any other error, stays for the banner.
 */
export function subscriptionFieldErrors(error: unknown): { fields: SubscriptionFieldErrors; other: unknown } {
  const problems = problemsOf(error);
  if (!problems || problems.length === 0) return { fields: {}, other: error };
  const fields: SubscriptionFieldErrors = {};
  const unmatched: string[] = [];
  for (const problem of problems) {
    const [name, index] = fieldPathParts(problem.field);
    const field = subscriptionFields.find((candidate) => candidate === name);
    if (field === undefined) {
      unmatched.push(`${problem.field}: ${problem.rule}`);
      continue;
    }
    const rule = field === "emails" && typeof index === "number" ? `recipient ${index + 1} ${problem.rule}` : problem.rule;
    fields[field] = fields[field] ? `${fields[field]}; ${rule}` : rule;
  }
  return { fields, other: unmatched.length > 0 ? unmatched.join("; ") : undefined };
}
