import type { ChannelKind } from "@portcullis/contract";
import { InputError } from "../lib/errors.ts";
import { emailTargets } from "./queue.ts";

export interface UrlPolicy {
  /** NOTIFY_ALLOW_HTTP_LOCALHOST: plain http (and any host name rule) waived for localhost, for development. */
  allowHttpLocalhost: boolean;
}

/** The hosts NOTIFY_ALLOW_HTTP_LOCALHOST opens, spelled as `URL.hostname` spells them. */
export const localDevHosts: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Where Teams incoming webhooks and Power Automate "Workflows" webhooks live. */
const teamsHostSuffixes = [".webhook.office.com", ".logic.azure.com", ".environment.api.powerplatform.com"];
const slackHost = "hooks.slack.com";

function urlProblem(rule: string): InputError {
  return new InputError(`url: ${rule}`, { details: { problems: [{ field: "url", rule }] } });
}

/**
 * The webhook URL if it passes the rules, else a 400 naming `url` and the rule: https only (http only to
 * localhost under the development allowance), no credentials in it, and Teams or Slack URLs on their services'
 * hosts (a Teams URL elsewhere is a mistake or an attempt to send the card, and its secret path, somewhere else).
 */
export function checkWebhookUrl(kind: Exclude<ChannelKind, "email">, raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw urlProblem("must be an absolute URL such as https://example.com/hook");
  }
  if (url.username !== "" || url.password !== "") throw urlProblem("must not contain a user name or password");
  const local = localDevHosts.has(url.hostname);
  const devLocal = local && policy.allowHttpLocalhost;
  if (url.protocol === "http:") {
    if (!local) throw urlProblem("must use https (http is allowed only to localhost, in development)");
    if (!policy.allowHttpLocalhost) throw urlProblem("must use https: this server does not allow http to localhost (NOTIFY_ALLOW_HTTP_LOCALHOST is off)");
  } else if (url.protocol !== "https:") {
    throw urlProblem("must use https");
  }
  const host = url.hostname.toLowerCase();
  if (kind === "teams" && !devLocal && !teamsHostSuffixes.some((suffix) => host.endsWith(suffix))) {
    throw urlProblem(`must be a Teams incoming webhook or Workflows URL (on *${teamsHostSuffixes.join(", *")})`);
  }
  if (kind === "slack" && !devLocal && host !== slackHost) throw urlProblem(`must be a Slack incoming webhook URL (on ${slackHost})`);
  url.hash = "";
  return url;
}

/**
 * Where deliveries go, without secrets: scheme and host for URLs (the paths of Teams and Slack webhooks are their
 * secrets, and a generic webhook's may be); the addresses for e-mail.
 */
export function targetDisplay(kind: ChannelKind, target: string, toRequester: boolean): string {
  if (kind === "email") {
    const addresses = emailTargets(target);
    if (addresses.length === 0) return toRequester ? "the requester" : "nobody";
    return `${addresses.join(", ")}${toRequester ? " and the requester" : ""}`;
  }
  try {
    const url = new URL(target);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return "(invalid URL)";
  }
}
