import { describe, expect, it } from "vitest";
import type { NsgRule } from "../nsg/types.ts";
import { nsg, rule } from "../test-support/fixtures.ts";
import { findExpiredAllowRules } from "./plan-grant.ts";
import { allowRuleDescription, denyRuleDescription, parseAllowRuleDescription, parseDenyRuleDescription } from "./rule-descriptions.ts";
import { allowRuleName, denyRuleName, maxRuleDescriptionLength, maxRuleNameLength, parseJitRuleName, vmSlug } from "./rule-names.ts";

const vmId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-prod-web-01";
const vm = { vmId, vmName: "vm-prod-web-01" };
/** ARM's rule-name syntax (as the emulator enforces it). */
const armName = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

describe("rule names", () => {
  it("carry the prefix, the VM's slug, a hash of its id and the protocol group with IP version", () => {
    expect(denyRuleName(vm, "Tcp", "ipv4")).toMatch(/^portcullis-jit-deny-vm-prod-web-01-[0-9a-f]{12}-tcp4$/);
    expect(allowRuleName(vm, "grant-1", "*", "ipv6")).toMatch(/^portcullis-jit-allow-vm-prod-web-01-[0-9a-f]{12}-[0-9a-f]{12}-any6$/);
  });

  it("are stable, and the same for a VM id in another letter case (ARM ids ignore case)", () => {
    expect(denyRuleName(vm, "Tcp", "ipv4")).toBe(denyRuleName({ ...vm }, "Tcp", "ipv4"));
    expect(denyRuleName({ ...vm, vmId: vmId.toUpperCase() }, "Tcp", "ipv4")).toBe(denyRuleName(vm, "Tcp", "ipv4"));
  });

  it("differ per VM, protocol group, IP version and grant", () => {
    const other = { vmId: vmId.replace("web-01", "web-02"), vmName: "vm-prod-web-01" };
    const names = [
      denyRuleName(vm, "Tcp", "ipv4"),
      denyRuleName(vm, "Udp", "ipv4"),
      denyRuleName(vm, "*", "ipv4"),
      denyRuleName(vm, "Tcp", "ipv6"),
      denyRuleName(other, "Tcp", "ipv4"),
      allowRuleName(vm, "g1", "Tcp", "ipv4"),
      allowRuleName(vm, "g2", "Tcp", "ipv4"),
    ];
    expect(new Set(names).size).toBe(names.length);
  });

  it("stay within 80 characters and ARM's name syntax for the longest VM names", () => {
    const long = { vmId: `${vmId}-${"x".repeat(60)}`, vmName: `${"Very_Long.VM name ".repeat(5)}`.slice(0, 64) };
    for (const name of [denyRuleName(long, "Udp", "ipv6"), allowRuleName(long, "3f2c1a9e-0000-4000-8000-000000000001", "Udp", "ipv6")]) {
      expect(name.length).toBeLessThanOrEqual(maxRuleNameLength);
      expect(name).toMatch(armName);
    }
  });

  it.each([
    ["VM_Prod.Web01", "vm-prod-web01"],
    ["--web--", "web"],
    ["a-very-long-virtual-machine-name", "a-very-long-virtual"],
    ["日本", "vm"],
  ])("slug of %s is %s", (name, slug) => {
    expect(vmSlug(name)).toBe(slug);
  });

  it("parse back into their parts; other names are not ours", () => {
    expect(parseJitRuleName(denyRuleName(vm, "Udp", "ipv6"))).toMatchObject({ kind: "deny", group: "Udp", family: "ipv6" });
    expect(parseJitRuleName(allowRuleName(vm, "g1", "*", "ipv4"))).toMatchObject({ kind: "allow", group: "*", family: "ipv4" });
    expect(parseJitRuleName("allow-ssh")).toBeNull();
    expect(parseJitRuleName("portcullis-jit-deny-vm1")).toBeNull();
    expect(parseJitRuleName(denyRuleName(vm, "Tcp", "ipv4").toUpperCase())).toBeNull();
  });
});

describe("rule descriptions", () => {
  it("an Allow says its grant and its end, in UTC to the second", () => {
    expect(allowRuleDescription("3f2c1a9e", new Date("2026-11-24T14:05:00.750Z"), 0)).toBe("portcullis grant=3f2c1a9e expires=2026-11-24T14:05:00Z");
    expect(allowRuleDescription("3f2c1a9e", new Date("2026-11-24T15:05:00+01:00"), 2)).toBe("portcullis grant=3f2c1a9e expires=2026-11-24T14:05:00Z shift=2");
  });

  it("an Allow for the longest grant id with the largest shift fits ARM's 140 characters", () => {
    expect(allowRuleDescription("g".repeat(64), new Date("2026-11-24T14:05:00Z"), 4096).length).toBeLessThanOrEqual(maxRuleDescriptionLength);
  });

  it("a Deny says which VM it protects", () => {
    expect(denyRuleDescription("vm-prod-web-01", 0)).toBe("portcullis JIT deny, protects VM vm-prod-web-01");
    expect(parseDenyRuleDescription(denyRuleDescription("vm-prod-web-01", 3))).toEqual({ vmName: "vm-prod-web-01", shift: 3 });
    expect(denyRuleDescription("x".repeat(200), 4096).length).toBeLessThanOrEqual(maxRuleDescriptionLength);
    expect(parseDenyRuleDescription("managed by terraform")).toBeNull();
    expect(parseDenyRuleDescription(denyRuleDescription("odd shift=7", 0))).toEqual({ vmName: "odd-shift=7", shift: 0 });
  });

  it.each([
    ["portcullis grant=g-1 expires=2026-11-24T14:05:00Z", { grantId: "g-1", expiresAt: new Date("2026-11-24T14:05:00Z"), shift: 0 }],
    ["portcullis grant=g.1_x expires=2026-11-24T14:05:00Z shift=12", { grantId: "g.1_x", expiresAt: new Date("2026-11-24T14:05:00Z"), shift: 12 }],
    ["portcullis grant=g-1 expires=2026-11-24T14:05:00", null],
    ["portcullis grant=g-1 expires=2026-11-24T14:05:00.000Z", null],
    ["portcullis grant=g-1 expires=2026-02-30T14:05:00Z", null],
    ["portcullis grant= expires=2026-11-24T14:05:00Z", null],
    ["portcullis grant=-g expires=2026-11-24T14:05:00Z", null],
    ["portcullis grant=g-1 expires=2026-11-24T14:05:00Z (extended)", null],
    ["Portcullis grant=g-1 expires=2026-11-24T14:05:00Z", null],
    [undefined, null],
  ])("parses %j", (text, parsed) => {
    expect(parseAllowRuleDescription(text)).toEqual(parsed);
  });
});

describe("findExpiredAllowRules", () => {
  const allowRule = (grantId: string, description: string | undefined, priority: number): NsgRule =>
    rule({ name: allowRuleName(vm, grantId, "Tcp", "ipv4"), priority, sourceAddressPrefixes: ["203.0.113.7"], destinationAddressPrefixes: ["10.1.0.4"], description });
  const subject = nsg("nsg-nic", [
    allowRule("g1", "portcullis grant=g1 expires=2026-11-24T12:00:00Z", 100),
    allowRule("g2", "portcullis grant=g2 expires=2026-11-24T13:00:00Z shift=1", 101),
    allowRule("g3", "extended by hand", 102),
    rule({ name: "look-alike", priority: 103, description: "portcullis grant=g4 expires=2000-01-01T00:00:00Z" }),
  ]);

  it.each([
    ["2026-11-24T11:59:59Z", []],
    ["2026-11-24T12:00:00Z", ["g1"]],
    ["2026-11-24T12:30:00Z", ["g1"]],
    ["2026-11-24T13:00:00Z", ["g1", "g2"]],
  ])("at %s finds %j (an unreadable description or a foreign name is never closed)", (now, grantIds) => {
    const found = findExpiredAllowRules(subject, new Date(now));
    expect(found.map((record) => record.grantId)).toEqual(grantIds);
    for (const record of found) expect(record).toMatchObject({ nsgId: subject.id, ruleName: allowRuleName(vm, record.grantId, "Tcp", "ipv4") });
  });
});
