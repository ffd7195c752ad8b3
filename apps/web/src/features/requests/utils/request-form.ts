import type { ApprovalSettings, CreateAccessRequestBody, JustificationRule, PolicyPort } from "@portcullis/contract";
import { describeCoverage, describeLimit, exceedsLimits, isWide, sourceCoverage, sourceLimitsOf } from "@portcullis/core";
import { defaultDurationMinutes, durationOptions, maxDurationMinutes } from "./duration-options.ts";
import { portKey } from "../../../lib/port-label.ts";

export type SourceChoice = "my-ip" | "ranges";

/** The Time range select's value for "type the minutes yourself". */
export const customDuration = "custom";

/** What the Request access blade's fields hold, as typed. */
export type RequestForm = {
  /** Keys (`22/TCP`) of the ports switched on. */
  selected: readonly string[];
  source: SourceChoice;
  prefixes: readonly string[];
  /** Minutes as text, or `customDuration`. */
  duration: string;
  customMinutes: string;
  justification: string;
  /** "Emergency (break-glass)": open at once although approval is required (only where the policy allows it). */
  breakGlass: boolean;
};

/**
 * Messages per field of the form: `ports` (the group), `port:22/TCP` (one switch), `durationMinutes`,
 * `sources` (the choice, My IP), `sources.prefixes` and `sources.prefixes[1]` (one range), `justification`,
 * `breakGlass` (the emergency switch).
 */
export type RequestFieldErrors = Record<string, string>;

export const maxJustificationLength = 1000;

type PolicyPorts = { ports: readonly PolicyPort[] };

/** Every port off (the requester chooses), My IP, and the default time for the policy's shortest max. */
export function initialRequestForm(policy: PolicyPorts, myIpKnown = true): RequestForm {
  return {
    selected: [],
    source: myIpKnown ? "my-ip" : "ranges",
    prefixes: [""],
    duration: String(defaultDurationMinutes(maxDurationMinutes(policy.ports))),
    customMinutes: "",
    justification: "",
    breakGlass: false,
  };
}

/** The switched-on ports in the policy's order. */
export function selectedPorts(policy: PolicyPorts, form: Pick<RequestForm, "selected">): PolicyPort[] {
  return policy.ports.filter((port) => form.selected.includes(portKey(port)));
}

/** The longest the chosen ports may be opened for (all ports while none is chosen). */
export function formMaxMinutes(policy: PolicyPorts, form: Pick<RequestForm, "selected">): number {
  const chosen = selectedPorts(policy, form);
  return maxDurationMinutes(chosen.length > 0 ? chosen : policy.ports);
}

/**
 * Switches one port on or off. A preset time longer than the new ports allow falls back to the default
 * for them, so the select never shows a choice it does not offer.
 */
export function togglePort(policy: PolicyPorts, form: RequestForm, key: string, on: boolean): RequestForm {
  const selected = on ? [...form.selected.filter((k) => k !== key), key] : form.selected.filter((k) => k !== key);
  const next = { ...form, selected };
  if (form.duration === customDuration) return next;
  const max = formMaxMinutes(policy, next);
  return durationOptions(max).includes(Number(form.duration)) ? next : { ...next, duration: String(defaultDurationMinutes(max)) };
}

/** The chosen time in minutes; null when the custom minutes are not a whole number. */
export function durationMinutesOf(form: Pick<RequestForm, "duration" | "customMinutes">): number | null {
  const text = form.duration === customDuration ? form.customMinutes.trim() : form.duration;
  return /^\d+$/.test(text) ? Number(text) : null;
}

/**
 * The typed ranges, judged as the server judges them (core's coverage: the union of the addresses, never the
 * spelling): `problem` when a chosen "per request" port refuses that much, `warning` when the chosen ports accept
 * it but it is wider than a requester could pick (what "any" means), null otherwise or while nothing parses.
 */
export function sourceSizeCheck(policy: PolicyPorts, form: Pick<RequestForm, "selected" | "source" | "prefixes">): { problem: string | null; warning: string | null } {
  const none = { problem: null, warning: null };
  if (form.source !== "ranges") return none;
  const ports = selectedPorts(policy, form);
  const coverage = sourceCoverage(form.prefixes.filter((prefix) => prefix.trim() !== ""));
  if (ports.length === 0 || coverage.merged.length === 0) return none;
  for (const port of ports) {
    if (port.allowedSources.kind !== "per-request") continue;
    const excess = exceedsLimits(coverage, sourceLimitsOf(port));
    if (excess !== null) return { problem: `Together these open port ${port.port} to ${describeCoverage(coverage)}; this VM's policy lets you open at most ${describeLimit(excess.family, excess.limit)}.`, warning: null };
  }
  const wide = ports.some((port) => isWide(coverage, sourceLimitsOf(port)));
  return wide ? { problem: null, warning: `These sources open the chosen ports to ${describeCoverage(coverage)} while access is open.` } : none;
}

/**
 * What the form can tell before asking the server: a port is on, the ranges are filled in, the time is a
 * whole number of minutes within the ports' max, a required justification is there. The server checks the
 * rest (ports configured, sources within the policy) and its problems land on the same fields.
 */
export function validateRequestForm(policy: PolicyPorts & { justificationRequired: boolean; justificationRule?: JustificationRule | null | undefined }, form: RequestForm): RequestFieldErrors {
  const errors: RequestFieldErrors = {};
  if (selectedPorts(policy, form).length === 0) errors.ports = "Switch on at least one port.";
  if (form.source === "ranges") {
    form.prefixes.forEach((prefix, index) => {
      if (prefix.trim() === "") errors[`sources.prefixes[${index}]`] = "Enter an IP address or CIDR range, or remove this line.";
    });
    const { problem } = sourceSizeCheck(policy, form);
    if (problem !== null) errors["sources.prefixes"] = problem;
  }
  const minutes = durationMinutesOf(form);
  const max = formMaxMinutes(policy, form);
  if (minutes === null) errors.durationMinutes = "Enter a whole number of minutes.";
  else if (minutes < 5 || minutes > max) errors.durationMinutes = `Must be between 5 and ${max} minutes for the chosen ports.`;
  const justification = form.justification.trim();
  if (form.breakGlass && justification === "") errors.justification = "Break-glass access needs a justification: say what the emergency is.";
  else if (policy.justificationRequired && justification === "") errors.justification = "This VM's policy requires a justification.";
  else if ([...justification].length > maxJustificationLength) errors.justification = `At most ${maxJustificationLength} characters.`;
  // The policy's minimum length is counted here; its pattern is the server's to match (one engine, one answer).
  else if (justification !== "" && policy.justificationRule && [...justification].length < policy.justificationRule.minLength) {
    errors.justification = `At least ${policy.justificationRule.minLength} characters (this VM's policy).`;
  }
  return errors;
}

/** The request as the contract has it. Ranges keep their positions, so a server problem on `sources.prefixes[1]` is line 2. */
export function requestBodyFromForm(vmId: string, policy: PolicyPorts, form: RequestForm): CreateAccessRequestBody {
  const justification = form.justification.trim();
  return {
    vmId,
    ports: selectedPorts(policy, form).map((port) => ({ port: port.port, protocol: port.protocol })),
    sources: form.source === "my-ip" ? { kind: "my-ip" } : { kind: "ranges", prefixes: form.prefixes.map((prefix) => prefix.trim()) },
    durationMinutes: durationMinutesOf(form) ?? 0,
    ...(justification === "" ? {} : { justification }),
    ...(form.breakGlass ? { breakGlass: true } : {}),
  };
}

type ApprovalPolicy = PolicyPorts & { approval?: ApprovalSettings | null };

/** Whether a request for this port waits for approval: the policy has an approval rule and the port does not opt out. */
export function portNeedsApproval(policy: Pick<ApprovalPolicy, "approval">, port: Pick<PolicyPort, "requireApproval">): boolean {
  return policy.approval !== null && policy.approval !== undefined && port.requireApproval !== false;
}

/**
 * Whether the form as filled would wait for approval: any chosen port needs it (a mix waits as a whole, as on the
 * server) and break-glass is off. The server decides; this only words the button and the hint.
 */
export function formWaitsForApproval(policy: ApprovalPolicy, form: Pick<RequestForm, "selected" | "breakGlass">): boolean {
  return !form.breakGlass && selectedPorts(policy, form).some((port) => portNeedsApproval(policy, port));
}
