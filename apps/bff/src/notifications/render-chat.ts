import type { HttpDelivery } from "./render-webhook.ts";
import { factsOf, portalUrlOf, summaryOf, titleOf, type OutboxMessage, type RenderContext } from "./render-text.ts";

const jsonHeaders = { "Content-Type": "application/json", "User-Agent": "Portcullis-Notifications/1" };

/**
 * Teams renders Markdown in TextBlocks and facts: the requester's and approver's words must not become links or
 * formatting, so the characters that form them (brackets, emphasis, code, angle-bracket autolinks) are backslash-escaped.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>~]/g, (c) => `\\${c}`);
}

/** Slack's mrkdwn: `&`, `<` and `>` are the control characters (links, mentions); Slack asks for these three entities. */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/**
 * A Teams message with one Adaptive Card (what Teams incoming webhooks and Power Automate Workflows accept):
 * the title, the summary, a FactSet and an "Open in Portcullis" button.
 */
export function renderTeams(message: OutboxMessage, context: RenderContext): HttpDelivery {
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    msteams: { width: "Full" },
    body: [
      { type: "TextBlock", text: escapeTeamsMarkdown(titleOf(message)), weight: "Bolder", size: "Medium", wrap: true },
      { type: "TextBlock", text: escapeTeamsMarkdown(summaryOf(message)), wrap: true },
      { type: "FactSet", facts: factsOf(message).map((f) => ({ title: f.title, value: escapeTeamsMarkdown(f.value) })) },
    ],
    actions: [{ type: "Action.OpenUrl", title: "Open in Portcullis", url: portalUrlOf(message, context) }],
  };
  const body = { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
  return { body: JSON.stringify(body), headers: { ...jsonHeaders } };
}

/** Slack's limits: header text 150 characters, a section's fields 10 and 2,000 characters each. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A Slack incoming-webhook message in Block Kit: header, summary with fields, and a button to the portal. */
export function renderSlack(message: OutboxMessage, context: RenderContext): HttpDelivery {
  const title = titleOf(message);
  const summary = summaryOf(message);
  const fields = factsOf(message)
    .slice(0, 10)
    .map((f) => ({ type: "mrkdwn", text: cut(`*${f.title}*\n${escapeSlack(f.value)}`, 2000) }));
  const body = {
    text: escapeSlack(`${title}. ${summary}`),
    blocks: [
      { type: "header", text: { type: "plain_text", text: cut(title, 150), emoji: false } },
      { type: "section", text: { type: "mrkdwn", text: cut(escapeSlack(summary), 3000) }, ...(fields.length === 0 ? {} : { fields }) },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Portcullis" }, url: portalUrlOf(message, context) }] },
    ],
  };
  return { body: JSON.stringify(body), headers: { ...jsonHeaders } };
}
