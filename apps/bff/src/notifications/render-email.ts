import { eventLabel } from "./notification-events.ts";
import { factsOf, portalUrlOf, subjectOf, summaryOf, type OutboxMessage, type RenderContext } from "./render-text.ts";

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Every user-supplied string goes into the HTML through this (justifications and comments are attacker-controlled). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** Subject `[Portcullis] <label>: <VM>`, a plain-text body and the same as simple HTML. */
export function renderEmail(message: OutboxMessage, context: RenderContext): EmailContent {
  const subject = `[Portcullis] ${eventLabel(message.event)}: ${subjectOf(message.payload)}`.replace(/[\r\n]+/g, " ");
  const summary = summaryOf(message);
  const facts = factsOf(message);
  const link = portalUrlOf(message, context);
  const text = [summary, "", ...facts.map((f) => `${f.title}: ${f.value}`), "", `Open in Portcullis: ${link}`, ""].join("\n");
  const rows = facts
    .map((f) => `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${escapeHtml(f.title)}</th><td style="padding:2px 0;white-space:pre-wrap">${escapeHtml(f.value)}</td></tr>`)
    .join("\n");
  const html = [
    "<!doctype html>",
    '<html><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px">',
    `<h2 style="font-size:16px">${escapeHtml(eventLabel(message.event))}: ${escapeHtml(subjectOf(message.payload))}</h2>`,
    `<p>${escapeHtml(summary)}</p>`,
    `<table>\n${rows}\n</table>`,
    `<p><a href="${escapeHtml(link)}">Open in Portcullis</a></p>`,
    "</body></html>",
  ].join("\n");
  return { subject, text, html };
}
