import { describe, expect, it } from "vitest";
import { policyPortChanges } from "./policy-change.ts";

const ssh = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
const rdp = { port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24"] }, maxRequestDuration: "PT1H" };

describe("a policy event's change, port by port", () => {
  it("an edit: a shorter time on 22, 3389 added, 5985 removed", () => {
    const winrm = { port: 5985, protocol: "TCP", allowedSources: { kind: "any" }, maxRequestDuration: "PT8H" };
    const changes = policyPortChanges({ previousPorts: [ssh, winrm], ports: [{ ...ssh, maxRequestDuration: "PT2H30M" }, rdp], nsgIds: [] });
    expect(changes).toEqual([
      { port: "22 (SSH) TCP", change: "changed", before: "3 h · per request", after: "2 h 30 min · per request" },
      { port: "3389 (RDP) TCP", change: "added", before: undefined, after: "1 h · 203.0.113.0/24" },
      { port: "5985 (WinRM HTTP) TCP", change: "removed", before: "8 h · any source", after: undefined },
    ]);
  });

  it("enabling has no before, removing no after, an unchanged port says so", () => {
    expect(policyPortChanges({ ports: [ssh] })).toEqual([{ port: "22 (SSH) TCP", change: "added", before: undefined, after: "3 h · per request" }]);
    expect(policyPortChanges({ previousPorts: [ssh] })).toEqual([{ port: "22 (SSH) TCP", change: "removed", before: "3 h · per request", after: undefined }]);
    expect(policyPortChanges({ previousPorts: [ssh], ports: [ssh] })?.[0]?.change).toBe("unchanged");
    expect(policyPortChanges({ previousPorts: [ssh], ports: [{ ...ssh, requireApproval: false }] })?.[0]).toMatchObject({ change: "changed", after: "3 h · per request · opens without approval" });
  });

  it("details without port lists (another kind of event, or a malformed one) give no diff", () => {
    expect(policyPortChanges({ reason: "x" })).toBeUndefined();
    expect(policyPortChanges({ ports: "22" })).toBeUndefined();
  });
});
