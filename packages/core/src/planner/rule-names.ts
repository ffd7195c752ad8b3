import { armIdKey } from "../inventory/arm-id.ts";
import type { IpFamily } from "../net/parse.ts";
import type { RuleProtocol } from "../nsg/types.ts";
import type { JitProtocol } from "./types.ts";

/** Every rule Portcullis owns starts with this; nothing else in an NSG should. */
export const jitRulePrefix = "portcullis-jit-";
export const denyRulePrefix = `${jitRulePrefix}deny-`;
export const allowRulePrefix = `${jitRulePrefix}allow-`;

/** ARM's limits on a security rule. */
export const maxRuleNameLength = 80;
export const maxRuleDescriptionLength = 140;

/** The ARM protocol of a JIT rule: one rule per group so other protocols keep their verdict. */
export type ProtocolGroup = "Tcp" | "Udp" | "*";

export function protocolGroupOf(protocol: JitProtocol): ProtocolGroup {
  return protocol === "TCP" ? "Tcp" : protocol === "UDP" ? "Udp" : "*";
}

const groupSuffix: Record<ProtocolGroup, string> = { Tcp: "tcp", Udp: "udp", "*": "any" };
const suffixGroup: Record<string, ProtocolGroup> = { tcp: "Tcp", udp: "Udp", any: "*" };
const familySuffix: Record<IpFamily, string> = { ipv4: "4", ipv6: "6" };

/** True when a rule of this ARM protocol can carry a flow of the group (Icmp, Esp, Ah carry no ports). */
export function protocolOverlapsGroup(protocol: RuleProtocol | string, group: ProtocolGroup): boolean {
  const lower = protocol.toLowerCase();
  if (lower === "*") return true;
  if (lower === "tcp") return group !== "Udp";
  if (lower === "udp") return group !== "Tcp";
  return false;
}

/** cyrb53: a fast, well-spread 53-bit string hash (not cryptographic; names only need to be stable and distinct). */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** 12 hex digits (48 bits). */
export function shortHash(text: string): string {
  return cyrb53(text).toString(16).padStart(14, "0").slice(-12);
}

/** A VM's key in rule names: ARM ids compare case-insensitively. */
export function vmHash(vmId: string): string {
  return shortHash(`vm:${armIdKey(vmId)}`);
}

export function grantHash(grantId: string): string {
  return shortHash(`grant:${grantId}`);
}

const maxSlugLength = 20;

/** `VM_Prod.Web01` -> `vm-prod-web01`, at most 20 characters, never empty. */
export function vmSlug(vmName: string): string {
  const slug = vmName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxSlugLength)
    .replace(/-+$/, "");
  return slug.length === 0 ? "vm" : slug;
}

function suffix(group: ProtocolGroup, family: IpFamily): string {
  return `${groupSuffix[group]}${familySuffix[family]}`;
}

/** `portcullis-jit-deny-<vm slug>-<hash of VM id>-<tcp|udp|any><4|6>`: at most 58 characters. */
export function denyRuleName(vm: { vmId: string; vmName: string }, group: ProtocolGroup, family: IpFamily): string {
  return `${denyRulePrefix}${vmSlug(vm.vmName)}-${vmHash(vm.vmId)}-${suffix(group, family)}`;
}

/** `portcullis-jit-allow-<vm slug>-<hash of VM id>-<hash of grant id>-<tcp|udp|any><4|6>`: at most 72 characters. */
export function allowRuleName(vm: { vmId: string; vmName: string }, grantId: string, group: ProtocolGroup, family: IpFamily): string {
  return `${allowRulePrefix}${vmSlug(vm.vmName)}-${vmHash(vm.vmId)}-${grantHash(grantId)}-${suffix(group, family)}`;
}

export type JitRuleName =
  | { kind: "deny"; vmHash: string; group: ProtocolGroup; family: IpFamily }
  | { kind: "allow"; vmHash: string; grantHash: string; group: ProtocolGroup; family: IpFamily };

const denyNamePattern = /^portcullis-jit-deny-[a-z0-9-]{1,20}-([0-9a-f]{12})-(tcp|udp|any)(4|6)$/;
const allowNamePattern = /^portcullis-jit-allow-[a-z0-9-]{1,20}-([0-9a-f]{12})-([0-9a-f]{12})-(tcp|udp|any)(4|6)$/;

function familyOf(digit: string): IpFamily {
  return digit === "6" ? "ipv6" : "ipv4";
}

/** Reads a Portcullis rule name; null for any other name (including a malformed one with our prefix). */
export function parseJitRuleName(name: string): JitRuleName | null {
  const deny = denyNamePattern.exec(name);
  if (deny !== null) {
    const [, vm = "", group = "", family = ""] = deny;
    return { kind: "deny", vmHash: vm, group: suffixGroup[group] ?? "*", family: familyOf(family) };
  }
  const allow = allowNamePattern.exec(name);
  if (allow !== null) {
    const [, vm = "", grant = "", group = "", family = ""] = allow;
    return { kind: "allow", vmHash: vm, grantHash: grant, group: suffixGroup[group] ?? "*", family: familyOf(family) };
  }
  return null;
}
