import { describeCoverage, describeMinutes, isWide, sourceCoverage } from "@portcullis/core";
import { eventLabel, type NotificationPayload, type OutboxEvent } from "./notification-events.ts";

/** One outbox row as the renderers see it. */
export interface OutboxMessage {
  /** The outbox row's id: the delivery id receivers de-duplicate on. */
  id: string;
  event: OutboxEvent;
  payload: NotificationPayload;
}

export interface RenderContext {
  /** Origin of the portal (PUBLIC_URL), no trailing slash. */
  publicUrl: string;
}

export interface Fact {
  title: string;
  value: string;
}

/** Long free text (justifications, comments, errors) is cut here in cards and e-mails; the portal has the rest. */
const maxText = 1000;

function clip(value: string, max: number = maxText): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

export function portalUrlOf(message: OutboxMessage, context: RenderContext): string {
  return `${context.publicUrl}${message.payload.portalPath}`;
}

function portsText(payload: NotificationPayload): string | undefined {
  return payload.ports === undefined || payload.ports.length === 0 ? undefined : payload.ports.map((p) => `${p.port}/${p.protocol}`).join(", ");
}

function durationText(minutes: number | undefined): string | undefined {
  return minutes === undefined ? undefined : describeMinutes(minutes);
}

function whenText(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toISOString().replace("T", " ").replace(/:\d\d\.\d{3}Z$/, " UTC");
}

/** The subject of the event: the VM, or for drift on an NSG without one, the NSG. */
export function subjectOf(payload: NotificationPayload): string {
  return payload.vmName ?? payload.drift?.nsgName ?? "Portcullis";
}

/** Title line of cards and e-mails: "Access opened: vm-prod-web-01". */
export function titleOf(message: OutboxMessage): string {
  return `${eventLabel(message.event)}: ${subjectOf(message.payload)}`;
}

/** One sentence saying what happened, in plain text (each channel escapes it for its own markup). */
export function summaryOf(message: OutboxMessage): string {
  const p = message.payload;
  const who = p.requester?.name ?? p.actor.name;
  const vm = subjectOf(p);
  const ports = portsText(p);
  const on = ports === undefined ? vm : `${vm} (${ports})`;
  switch (message.event) {
    case "request.pending-approval":
      return `${who} asks for access to ${on}${p.required === undefined ? "" : `; ${p.required} approval${p.required === 1 ? "" : "s"} needed`}.`;
    case "request.approved":
      return `${p.actor.name} approved ${who}'s request for ${on}.`;
    case "request.denied":
      return `${p.actor.name} denied ${who}'s request for ${on}.`;
    case "request.lapsed":
      return `${who}'s request for ${on} lapsed before it had enough approvals.`;
    case "request.cancelled":
      return `${who} cancelled their request for ${on}.`;
    case "request.break-glass":
      return `${who} opened break-glass access to ${on} without approval; it is flagged for review.`;
    case "request.opened":
      return `${who} has access to ${on}${p.endsAt === undefined ? "" : ` until ${whenText(p.endsAt)}`}.`;
    case "request.failed":
      return `Access for ${who} to ${on} failed to open.`;
    case "request.expiring":
      return `${who}'s access to ${on} ends at ${whenText(p.endsAt) ?? "soon"}.`;
    case "request.expired":
      return `${who}'s access to ${on} expired; its rules were removed.`;
    case "request.revoked":
      return `${who}'s access to ${on} was revoked by ${p.actor.name}.`;
    case "drift.found":
      return `The reconciler found NSG drift around ${vm}.`;
    case "test":
      return p.message ?? "A test notification from Portcullis.";
  }
}

/** The sources, with a warning when together they open more than a requester could pick (judged by core's coverage). */
export function sourceText(sources: readonly string[] | undefined): string | undefined {
  if (sources === undefined || sources.length === 0) return undefined;
  const coverage = sourceCoverage(sources);
  const listed = sources.join(", ");
  return isWide(coverage) ? `${listed} (warning: this opens the port to ${describeCoverage(coverage)})` : listed;
}

/** The facts cards and e-mails list, in order; absent ones are left out. Values are plain text. */
export function factsOf(message: OutboxMessage): Fact[] {
  const p = message.payload;
  const facts: Array<[string, string | undefined]> = [
    ["VM", p.vmName ?? undefined],
    ["Requester", p.requester === undefined ? undefined : p.requester.username === undefined ? p.requester.name : `${p.requester.name} (${p.requester.username})`],
    ["Ports", portsText(p)],
    ["Source", sourceText(p.sources)],
    ["Duration", durationText(p.durationMinutes)],
    ["Justification", p.justification === undefined ? undefined : clip(p.justification)],
    ["Comment", p.comment === undefined ? undefined : clip(p.comment)],
    ["Approvals", p.required === undefined ? undefined : `${p.approvals ?? p.required - (p.remaining ?? p.required)} of ${p.required}`],
    ["Ends", whenText(p.endsAt)],
    ["By", message.event === "test" || p.requester?.oid === p.actor.oid ? undefined : p.actor.name],
    ["Error", p.error === undefined ? undefined : clip(p.error)],
    ["NSG", p.drift?.nsgName],
    ["Findings", p.drift?.findings === undefined || p.drift.findings.length === 0 ? undefined : clip(p.drift.findings.join("\n"))],
  ];
  return facts.flatMap(([title, value]) => (value === undefined || value === "" ? [] : [{ title, value }]));
}
