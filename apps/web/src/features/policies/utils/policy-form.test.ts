import { describe, expect, it } from "vitest";
import type { PolicyPort } from "@portcullis/contract";
import {
  customDuration,
  defaultForm,
  defaultPorts,
  formFromPolicyPorts,
  newRule,
  policyPortsFromForm,
  validatePolicyForm,
  type PolicyForm,
  type PortRuleForm,
} from "./policy-form.ts";

function rule(patch: Partial<PortRuleForm>): PortRuleForm {
  return { ...newRule(22), ...patch };
}

function form(...rules: PortRuleForm[]): PolicyForm {
  return { rules };
}

describe("proposed ports", () => {
  it.each([
    ["one Linux VM", [{ osType: "Linux" as const }], [22]],
    ["one Windows VM", [{ osType: "Windows" as const }], [3389]],
    ["one VM of unknown OS", [{ osType: null }], [22, 3389, 5985, 5986]],
    ["several VMs", [{ osType: "Linux" as const }, { osType: "Linux" as const }], [22, 3389, 5985, 5986]],
  ])("%s: %j", (_case, vms, ports) => {
    expect(defaultPorts(vms)).toEqual(ports);
  });

  it("proposes TCP, chosen per request, for at most 3 hours", () => {
    expect(policyPortsFromForm(defaultForm([{ osType: "Linux" }]))).toEqual([
      { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" },
    ]);
  });
});

describe("form <-> contract", () => {
  const stored: PolicyPort[] = [
    { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" },
    { port: 3389, protocol: "Any", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24", "2001:db8::/48"] }, maxRequestDuration: "PT90M" },
    { port: 5986, protocol: "UDP", allowedSources: { kind: "any" }, maxRequestDuration: "PT24H" },
  ];

  it("a stored policy comes back unchanged through the form (durations in canonical spelling)", () => {
    const back = policyPortsFromForm(formFromPolicyPorts(stored));
    expect(back).toEqual([stored[0], { ...stored[1], maxRequestDuration: "PT1H30M" }, stored[2]]);
  });

  it("a duration that is not one of the presets is shown as custom hours and minutes", () => {
    const [, second] = formFromPolicyPorts(stored).rules;
    expect(second).toMatchObject({ duration: customDuration, customHours: "1", customMinutes: "30" });
  });

  it("trims what is typed, and a custom time becomes ISO-8601", () => {
    const typed = form(rule({ port: " 2222 ", sourceKind: "prefixes", prefixes: [" 10.1.0.0/16 "], duration: customDuration, customHours: "0", customMinutes: "45" }));
    expect(policyPortsFromForm(typed)).toEqual([
      { port: 2222, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["10.1.0.0/16"] }, maxRequestDuration: "PT45M" },
    ]);
  });

  it("keeps the typed addresses aside while another source kind is chosen, and sends none of them", () => {
    const chosen = form(rule({ sourceKind: "per-request", prefixes: ["not an address"] }));
    expect(validatePolicyForm(chosen)).toEqual({});
    expect(policyPortsFromForm(chosen)?.[0]?.allowedSources).toEqual({ kind: "per-request" });
  });
});

describe("validation mirrors the server", () => {
  it.each<[string, PolicyForm, Record<string, string | RegExp>]>([
    ["an empty port", form(rule({ port: "" })), { "ports[0].port": "enter a port" }],
    ["a port that is not a number", form(rule({ port: "ssh" })), { "ports[0].port": "must be a whole number from 0 to 65535" }],
    ["a port above 65535", form(rule({ port: "70000" })), { "ports[0].port": "must be a whole number from 0 to 65535" }],
    ["the same port twice for TCP", form(rule({ port: "22" }), rule({ port: "22" })), { "ports[1].port": /already listed for TCP \(rule 1\)/ }],
    ["TCP and Any on one port", form(rule({ port: "22" }), rule({ port: "22", protocol: "Any" })), { "ports[1].port": /already listed/ }],
    [
      "a CIDR with host bits set",
      form(rule({ sourceKind: "prefixes", prefixes: ["10.0.0.1/24"] })),
      { "ports[0].allowedSources.prefixes[0]": /host bits set.*did you mean 10\.0\.0\.0\/24/ },
    ],
    ["a malformed address", form(rule({ sourceKind: "prefixes", prefixes: ["10.0.0"] })), { "ports[0].allowedSources.prefixes[0]": /not an IPv4 or IPv6 address/ }],
    ["an address left empty", form(rule({ sourceKind: "prefixes", prefixes: ["10.0.0.0/8", " "] })), { "ports[0].allowedSources.prefixes[1]": "must not be empty" }],
    ["the whole Internet as a range", form(rule({ sourceKind: "prefixes", prefixes: ["0.0.0.0/0"] })), { "ports[0].allowedSources.prefixes[0]": /choose "any"/ }],
    [
      "the same range twice",
      form(rule({ sourceKind: "prefixes", prefixes: ["10.0.0.0/8", "10.0.0.0/8"] })),
      { "ports[0].allowedSources.prefixes[1]": /already listed \(rule 1, address 1\)/ },
    ],
    ["a custom time under 5 minutes", form(rule({ duration: customDuration, customHours: "0", customMinutes: "4" })), { "ports[0].maxRequestDuration": "must be between 5 minutes and 24 hours" }],
    ["a custom time over 24 hours", form(rule({ duration: customDuration, customHours: "24", customMinutes: "1" })), { "ports[0].maxRequestDuration": "must be between 5 minutes and 24 hours" }],
    ["a custom time that is not a number", form(rule({ duration: customDuration, customHours: "two", customMinutes: "0" })), { "ports[0].maxRequestDuration": "hours and minutes must be whole numbers" }],
    ["no port at all", form(), { ports: "add at least one port" }],
  ])("%s is refused on its field", (_case, input, expected) => {
    const errors = validatePolicyForm(input);
    expect(Object.keys(errors).sort()).toEqual(Object.keys(expected).sort());
    for (const [field, message] of Object.entries(expected)) expect(errors[field]).toMatch(message);
    expect(policyPortsFromForm(input)).toBeNull();
  });

  it("accepts IPv6 ranges and bare addresses", () => {
    const input = form(rule({ sourceKind: "prefixes", prefixes: ["2001:db8::/32", "198.51.100.7"] }));
    expect(validatePolicyForm(input)).toEqual({});
  });

  it("accepts the same port once for TCP and once for UDP", () => {
    expect(validatePolicyForm(form(rule({ port: "3389" }), rule({ port: "3389", protocol: "UDP" })))).toEqual({});
  });
});
