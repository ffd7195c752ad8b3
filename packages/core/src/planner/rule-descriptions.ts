import { maxRuleDescriptionLength } from "./rule-names.ts";

/*
 * Descriptions make the NSG self-describing, so expiry and removal work from
 * the NSG alone (no database):
 *   Deny:  `portcullis JIT deny, protects VM <vm name>[ shift=<k>]`
 *   Allow: `portcullis grant=<grant id> expires=<YYYY-MM-DDTHH:MM:SSZ>[ shift=<k>]`
 * `shift=<k>` says that when the rule was placed, no priority was free where
 * it had to go, so it took the number of the rule there and that rule and the
 * k-1 rules directly after it (a contiguous block) moved up by one. Undoing it
 * (remove the rule, move the next k rules down by one) gives every existing
 * rule its original priority back.
 */

/** Grant ids appear verbatim in descriptions; this keeps them parseable and within 140 characters. */
export const grantIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const maxVmNameInDescription = 90;

function shiftSuffix(shift: number): string {
  return shift > 0 ? ` shift=${shift}` : "";
}

/** UTC, to the second (truncated, so a rule never outlives its grant). */
export function formatExpiry(endsAt: Date): string {
  return new Date(Math.floor(endsAt.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** No whitespace (so the name cannot fake a ` shift=` suffix), at most 90 characters. */
function cleanVmName(vmName: string): string {
  return vmName.trim().replace(/\s+/g, "-").slice(0, maxVmNameInDescription);
}

export function denyRuleDescription(vmName: string, shift: number): string {
  return `portcullis JIT deny, protects VM ${cleanVmName(vmName)}${shiftSuffix(shift)}`;
}

export function allowRuleDescription(grantId: string, endsAt: Date, shift: number): string {
  const text = `portcullis grant=${grantId} expires=${formatExpiry(endsAt)}${shiftSuffix(shift)}`;
  if (text.length > maxRuleDescriptionLength) throw new RangeError(`Allow rule description is longer than ${maxRuleDescriptionLength} characters`);
  return text;
}

export interface DenyRuleDescription {
  vmName: string;
  shift: number;
}

const denyPattern = /^portcullis JIT deny, protects VM (.*?)(?: shift=(\d{1,4}))?$/;

export function parseDenyRuleDescription(text: string | undefined): DenyRuleDescription | null {
  if (text === undefined) return null;
  const match = denyPattern.exec(text);
  if (match === null) return null;
  return { vmName: match[1] ?? "", shift: match[2] === undefined ? 0 : Number(match[2]) };
}

export interface AllowRuleDescription {
  grantId: string;
  expiresAt: Date;
  shift: number;
}

const allowPattern = /^portcullis grant=(\S+) expires=(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)(?: shift=(\d{1,4}))?$/;

/** Reads an Allow rule's description; null unless it is exactly what allowRuleDescription writes (with a real date). */
export function parseAllowRuleDescription(text: string | undefined): AllowRuleDescription | null {
  if (text === undefined) return null;
  const match = allowPattern.exec(text);
  if (match === null) return null;
  const [, grantId = "", expires = "", shift] = match;
  if (!grantIdPattern.test(grantId)) return null;
  const expiresAt = new Date(expires);
  // Rejects dates such as 2026-02-30 that Date would otherwise roll over.
  if (Number.isNaN(expiresAt.getTime()) || formatExpiry(expiresAt) !== expires) return null;
  return { grantId, expiresAt, shift: shift === undefined ? 0 : Number(shift) };
}
