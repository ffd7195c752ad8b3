import { describe, expect, it } from "vitest";
import type { PolicyPort } from "@portcullis/contract";
import {
  customDuration,
  sourceSizeCheck,
  formMaxMinutes,
  formWaitsForApproval,
  initialRequestForm,
  portNeedsApproval,
  requestBodyFromForm,
  togglePort,
  validateRequestForm,
  type RequestForm,
} from "./request-form.ts";

const vmId = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-dev-apps/providers/Microsoft.Compute/virtualMachines/vm-dev-api-03";
const ssh: PolicyPort = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
const rdp: PolicyPort = { port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["10.0.0.0/8"] }, maxRequestDuration: "PT30M" };
const dns: PolicyPort = { port: 53, protocol: "UDP", allowedSources: { kind: "any" }, maxRequestDuration: "PT2H" };
const policy = { ports: [ssh, rdp, dns], justificationRequired: false };

function form(patch: Partial<RequestForm> = {}): RequestForm {
  return { ...initialRequestForm(policy), ...patch };
}

describe("initialRequestForm", () => {
  it("starts with every port off, My IP, and an hour or the shortest max when less", () => {
    expect(initialRequestForm({ ports: [ssh] })).toEqual({ selected: [], source: "my-ip", prefixes: [""], duration: "60", customMinutes: "", justification: "", breakGlass: false });
    expect(initialRequestForm(policy).duration).toBe("30");
  });

  it("starts with IP range when the server could not tell the caller's address", () => {
    expect(initialRequestForm(policy, false).source).toBe("ranges");
  });
});

describe("togglePort", () => {
  it("limits the time to the smallest max of the ports switched on", () => {
    const sshOnly = togglePort(policy, form({ duration: "180" }), "22/TCP", true);
    expect(formMaxMinutes(policy, sshOnly)).toBe(180);
    expect(sshOnly.duration).toBe("180");
    const withRdp = togglePort(policy, sshOnly, "3389/TCP", true);
    expect(formMaxMinutes(policy, withRdp)).toBe(30);
    expect(withRdp.duration).toBe("30");
  });

  it("keeps a time the new ports still allow, and custom minutes as typed", () => {
    const kept = togglePort(policy, form({ duration: "30" }), "22/TCP", true);
    expect(kept.duration).toBe("30");
    const custom = togglePort(policy, form({ duration: customDuration, customMinutes: "170" }), "3389/TCP", true);
    expect(custom).toMatchObject({ duration: customDuration, customMinutes: "170", selected: ["3389/TCP"] });
  });

  it("switches a port off again", () => {
    const on = togglePort(policy, form(), "22/TCP", true);
    expect(togglePort(policy, on, "22/TCP", false).selected).toEqual([]);
  });
});

describe("requestBodyFromForm", () => {
  it("maps My IP, the chosen ports in policy order, the minutes and a trimmed justification", () => {
    const filled = form({ selected: ["3389/TCP", "22/TCP"], duration: "30", justification: "  deploy hotfix  " });
    expect(requestBodyFromForm(vmId, policy, filled)).toEqual({
      vmId,
      ports: [
        { port: 22, protocol: "TCP" },
        { port: 3389, protocol: "TCP" },
      ],
      sources: { kind: "my-ip" },
      durationMinutes: 30,
      justification: "deploy hotfix",
    });
  });

  it("keeps every range in its position, trimmed, and leaves out an empty justification", () => {
    const filled = form({ selected: ["22/TCP"], source: "ranges", prefixes: [" 203.0.113.7 ", "198.51.100.0/24"], duration: customDuration, customMinutes: "45" });
    expect(requestBodyFromForm(vmId, policy, filled)).toEqual({
      vmId,
      ports: [{ port: 22, protocol: "TCP" }],
      sources: { kind: "ranges", prefixes: ["203.0.113.7", "198.51.100.0/24"] },
      durationMinutes: 45,
    });
  });
});

describe("validateRequestForm", () => {
  it("accepts a complete form", () => {
    expect(validateRequestForm(policy, form({ selected: ["22/TCP"] }))).toEqual({});
  });

  it.each<[string, Partial<RequestForm>, boolean, string]>([
    ["no port is on", {}, false, "ports"],
    ["a range line is empty", { selected: ["22/TCP"], source: "ranges", prefixes: ["10.0.0.1", " "] }, false, "sources.prefixes[1]"],
    ["custom minutes are not a number", { selected: ["22/TCP"], duration: customDuration, customMinutes: "1h" }, false, "durationMinutes"],
    ["custom minutes pass the ports' max", { selected: ["3389/TCP"], duration: customDuration, customMinutes: "31" }, false, "durationMinutes"],
    ["custom minutes are under 5", { selected: ["22/TCP"], duration: customDuration, customMinutes: "4" }, false, "durationMinutes"],
    ["the policy requires a justification and there is none", { selected: ["22/TCP"], justification: "   " }, true, "justification"],
    ["the justification is too long", { selected: ["22/TCP"], justification: "x".repeat(1001) }, false, "justification"],
  ])("when %s, then the form names that field", (_case, patch, required, field) => {
    const errors = validateRequestForm({ ...policy, justificationRequired: required }, form(patch));
    expect(Object.keys(errors)).toEqual([field]);
  });
});

describe("approval and break-glass", () => {
  const approval = { requiredApprovals: 2, approvers: { roleHolders: true, users: [], groups: [] }, allowSelfApproval: false, maxWait: "PT24H", clockStartsAt: "approval" as const };
  const dnsAtOnce: PolicyPort = { ...dns, requireApproval: false };
  const gated = { ports: [ssh, rdp, dnsAtOnce], justificationRequired: false, approval };

  it("marks the ports that need approval: all of them unless a port opts out, none without an approval rule", () => {
    expect(gated.ports.map((port) => portNeedsApproval(gated, port))).toEqual([true, true, false]);
    expect(portNeedsApproval({ approval: null }, ssh)).toBe(false);
    expect(portNeedsApproval({}, ssh)).toBe(false);
  });

  it("waits when any chosen port needs approval (a mix waits as a whole), and not with break-glass", () => {
    expect(formWaitsForApproval(gated, form({ selected: ["53/UDP"] }))).toBe(false);
    expect(formWaitsForApproval(gated, form({ selected: ["53/UDP", "22/TCP"] }))).toBe(true);
    expect(formWaitsForApproval(gated, form({ selected: ["22/TCP"], breakGlass: true }))).toBe(false);
    expect(formWaitsForApproval(policy, form({ selected: ["22/TCP"] }))).toBe(false);
  });

  it("requires a justification for break-glass even where the policy does not, and sends the flag", () => {
    const emergency = form({ selected: ["22/TCP"], breakGlass: true });
    expect(validateRequestForm(policy, emergency)).toEqual({ justification: "Break-glass access needs a justification: say what the emergency is." });
    const said = { ...emergency, justification: "Production down, INC-9001" };
    expect(validateRequestForm(policy, said)).toEqual({});
    expect(requestBodyFromForm(vmId, policy, said)).toMatchObject({ breakGlass: true, justification: "Production down, INC-9001" });
    expect(requestBodyFromForm(vmId, policy, form({ selected: ["22/TCP"] }))).not.toHaveProperty("breakGlass");
  });
});

describe("sources judged by the addresses they cover (core's rule, as the server judges them)", () => {
  const ranges = (prefixes: string[], selected: string[]) => form({ source: "ranges", prefixes, selected });

  it.each([["*"], ["0.0.0.0/0"], ["0.0.0.0/1", "128.0.0.0/1"], ["128.0.0.0/1"], ["10.0.0.0/16"], ["::/1", "8000::/1"]])("%j on a per-request port is a problem on the list, before the server is asked", (...prefixes) => {
    const check = sourceSizeCheck(policy, ranges(prefixes, ["22/TCP"]));
    expect(check.problem).toMatch(/^Together these open port 22 to .*; this VM's policy lets you open at most a \/(24|56) /);
    expect(validateRequestForm(policy, ranges(prefixes, ["22/TCP"]))["sources.prefixes"]).toBe(check.problem);
  });

  it.each([["203.0.113.7"], ["203.0.113.0/24"], ["203.0.113.0/25", "203.0.113.128/25"], ["2001:db8::/56"]])("%j on a per-request port is fine", (...prefixes) => {
    expect(sourceSizeCheck(policy, ranges(prefixes, ["22/TCP"]))).toEqual({ problem: null, warning: null });
  });

  it("warns (not refuses) where every chosen port allows any source, by coverage: two /1s are the whole of IPv4", () => {
    expect(sourceSizeCheck(policy, ranges(["0.0.0.0/1", "128.0.0.0/1"], ["53/UDP"]))).toEqual({ problem: null, warning: "These sources open the chosen ports to every IPv4 address while access is open." });
    expect(sourceSizeCheck(policy, ranges(["*"], ["53/UDP"])).warning).toBe("These sources open the chosen ports to every IPv4 address and every IPv6 address while access is open.");
    expect(sourceSizeCheck(policy, ranges(["203.0.113.7"], ["53/UDP"])).warning).toBeNull();
    expect(sourceSizeCheck(policy, form({ selected: ["53/UDP"] }))).toEqual({ problem: null, warning: null });
  });
});

