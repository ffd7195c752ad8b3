import { describe, expect, it } from "vitest";
import { PutPoliciesBodySchema, type Policy, type PolicyPort } from "@portcullis/contract";
import { defaultApprovalForm, type ApprovalForm } from "./approval-form.ts";
import {
  customDuration,
  defaultForm,
  defaultPorts,
  formFromPolicy,
  formFromPolicyPorts,
  newRule,
  policyPortsFromForm,
  putBodyFromForm,
  validatePolicyForm,
  type PolicyForm,
  type PortRuleForm,
} from "./policy-form.ts";
import { defaultJustificationForm } from "./justification-form.ts";

function rule(patch: Partial<PortRuleForm>): PortRuleForm {
  return { ...newRule(22), ...patch };
}

function form(...rules: PortRuleForm[]): PolicyForm {
  return { rules, approval: { ...defaultApprovalForm }, justification: { ...defaultJustificationForm }, breakGlass: false, endLiveSessions: false };
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

describe("the Approval section in the PUT body", () => {
  const vmIds = ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-01"];
  const withApproval = (approval: Partial<ApprovalForm>, ...rules: PortRuleForm[]): PolicyForm => ({
    rules: rules.length > 0 ? rules : [rule({})],
    approval: { ...defaultApprovalForm, required: true, ...approval },
    justification: { ...defaultJustificationForm },
    breakGlass: false,
    endLiveSessions: false,
  });

  it("with approval off, sends approval null (removing a stored rule) and break-glass as switched", () => {
    const body = putBodyFromForm(vmIds, { ...form(rule({})), breakGlass: true });
    expect(body).toEqual({
      vmIds,
      ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }],
      approval: null,
      breakGlass: true,
      endLiveSessions: false,
    });
  });

  it("sends End live sessions as switched, and an Edit starts from the stored value", () => {
    expect(putBodyFromForm(vmIds, { ...form(rule({})), endLiveSessions: true })).toMatchObject({ endLiveSessions: true });
    const stored = { ports: [{ port: 22, protocol: "TCP" as const, allowedSources: { kind: "per-request" as const }, maxRequestDuration: "PT3H" }], approval: null, breakGlass: false, endLiveSessions: true };
    expect(formFromPolicy(stored).endLiveSessions).toBe(true);
    expect(formFromPolicy({ ...stored, endLiveSessions: undefined }).endLiveSessions).toBe(false);
  });

  it("sends two approvals from the Approver role, named users and a group, with the wait and where the clock starts", () => {
    const body = putBodyFromForm(
      vmIds,
      withApproval({
        requiredApprovals: " 2 ",
        roleHolders: true,
        users: ["alex@contoso.test", "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e05"],
        groups: ["ops-group-id"],
        maxWait: "P3D",
        clockStartsAt: "request",
      }),
    );
    expect(body?.approval).toEqual({
      requiredApprovals: 2,
      approvers: { roleHolders: true, users: ["alex@contoso.test", "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e05"], groups: ["ops-group-id"] },
      allowSelfApproval: false,
      maxWait: "P3D",
      clockStartsAt: "request",
    });
    // What the BFF parses: the contract accepts the body as sent.
    expect(PutPoliciesBodySchema.safeParse(body).success).toBe(true);
  });

  it("says per port whether it needs approval (on by default), so one port can open at once", () => {
    const body = putBodyFromForm(vmIds, withApproval({}, rule({ port: "22" }), rule({ port: "3389", requireApproval: false })));
    expect(body?.ports.map((port) => [port.port, port.requireApproval])).toEqual([
      [22, true],
      [3389, false],
    ]);
    expect(body?.approval).toMatchObject({ requiredApprovals: 1, approvers: { roleHolders: true, users: [], groups: [] }, maxWait: "PT24H", clockStartsAt: "approval" });
  });

  it.each<[string, Partial<ApprovalForm>, Record<string, RegExp>]>([
    ["no number of approvals", { requiredApprovals: "" }, { "approval.requiredApprovals": /whole number from 1 to 10/ }],
    ["eleven approvals", { requiredApprovals: "11" }, { "approval.requiredApprovals": /whole number from 1 to 10/ }],
    ["no approver at all", { roleHolders: false }, { "approval.approvers": /at least one approver/ }],
    ["fewer named users than approvals, and nothing else", { roleHolders: false, users: ["alex"], requiredApprovals: "2" }, { "approval.approvers": /2 approvals are needed but only 1 user is named/ }],
  ])("refuses %s on its field, and sends nothing", (_case, approval, expected) => {
    const input = withApproval(approval);
    const errors = validatePolicyForm(input);
    expect(Object.keys(errors)).toEqual(Object.keys(expected));
    for (const [field, message] of Object.entries(expected)) expect(errors[field]).toMatch(message);
    expect(putBodyFromForm(vmIds, input)).toBeNull();
  });

  it("accepts fewer named users than approvals when a group can supply the rest", () => {
    expect(validatePolicyForm(withApproval({ roleHolders: false, users: ["alex"], groups: ["ops"], requiredApprovals: "2" }))).toEqual({});
  });

  it("an edited policy comes back through the form as stored: rule, per-port choice and break-glass", () => {
    const stored: Pick<Policy, "ports" | "approval" | "breakGlass"> = {
      ports: [
        { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H", requireApproval: true },
        { port: 3389, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT1H", requireApproval: false },
      ],
      approval: { requiredApprovals: 2, approvers: { roleHolders: false, users: ["alex"], groups: ["ops"] }, allowSelfApproval: true, maxWait: "PT30M", clockStartsAt: "approval" },
      breakGlass: true,
    };
    const body = putBodyFromForm(vmIds, formFromPolicy(stored));
    expect(body).toEqual({ vmIds, ports: stored.ports, approval: stored.approval, breakGlass: true, endLiveSessions: false });
  });

  it("shows saved approvers by user name (the server stores object ids) and keeps a per-request port's widest source", () => {
    const oid = "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e06";
    const stored: Pick<Policy, "ports" | "approval" | "breakGlass"> = {
      ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request", maxPrefixSize: { ipv4: 20, ipv6: 48 } }, maxRequestDuration: "PT3H" }],
      approval: {
        requiredApprovals: 1,
        approvers: { roleHolders: false, users: [oid], named: [{ oid, tenantId: "t", name: "Blake Approver", username: "approver2@contoso.test" }], groups: [] },
        allowSelfApproval: false,
        maxWait: "PT24H",
        clockStartsAt: "approval",
      },
      breakGlass: false,
    };
    const edited = formFromPolicy(stored);
    expect(edited.approval.users).toEqual(["approver2@contoso.test"]);
    expect(edited.rules[0]).toMatchObject({ maxPrefixV4: "20", maxPrefixV6: "48" });
    const body = putBodyFromForm(vmIds, edited);
    expect(body?.ports[0]?.allowedSources).toEqual({ kind: "per-request", maxPrefixSize: { ipv4: 20, ipv6: 48 } });
    expect(body?.approval?.approvers.users).toEqual(["approver2@contoso.test"]);
    expect(validatePolicyForm({ ...edited, rules: [{ ...edited.rules[0]!, maxPrefixV4: "4" }] })).toEqual({ "ports[0].allowedSources.maxPrefixSize.ipv4": expect.stringMatching(/from 8 to 32/) });
  });

  it("keeps a port's opt-out while approval is off, so switching approval on again keeps it", () => {
    const body = putBodyFromForm(vmIds, form(rule({ port: "22" }), rule({ port: "3389", requireApproval: false })));
    expect(body?.ports.map((port) => port.requireApproval)).toEqual([undefined, false]);
  });
});

describe("the Justification section in the PUT body", () => {
  const vmIds = ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-01"];
  const withJustification = (patch: Partial<PolicyForm["justification"]>): PolicyForm => ({ ...form(rule({})), justification: { ...defaultJustificationForm, changed: true, ...patch } });

  it("sends nothing while the section is untouched, so a bulk edit keeps each VM's rule", () => {
    expect(putBodyFromForm(vmIds, form(rule({})))).not.toHaveProperty("justificationRule");
  });

  it("sends the rule as typed: required, the minimum and the pattern with its hint", () => {
    const body = putBodyFromForm(vmIds, withJustification({ required: true, minLength: " 12 ", pattern: "^(INC|CHG)\\d{6}", hint: " Enter the incident number " }));
    expect(body).toMatchObject({ justificationRequired: true, justificationRule: { minLength: 12, pattern: "^(INC|CHG)\\d{6}", hint: "Enter the incident number" } });
    expect(PutPoliciesBodySchema.safeParse(body).success).toBe(true);
  });

  it("no minimum and no pattern send no rule (null removes a stored one)", () => {
    expect(putBodyFromForm(vmIds, withJustification({ required: true }))).toMatchObject({ justificationRequired: true, justificationRule: null });
  });

  it.each([
    [{ minLength: "-1" }, "justificationRule.minLength", /whole number from 0 to 1000/],
    [{ minLength: "1001" }, "justificationRule.minLength", /whole number from 0 to 1000/],
    [{ pattern: "^INC", hint: "" }, "justificationRule.hint", /is required with a pattern/],
    [{ pattern: "a".repeat(201), hint: "h" }, "justificationRule.pattern", /at most 200 characters/],
  ])("%j is refused on %s, and Save has no body", (patch, field, message) => {
    const invalid = withJustification(patch);
    expect(validatePolicyForm(invalid)[field]).toMatch(message);
    expect(putBodyFromForm(vmIds, invalid)).toBeNull();
  });

  it("an Edit starts from the stored rule", () => {
    const stored = { ports: [{ port: 22, protocol: "TCP" as const, allowedSources: { kind: "per-request" as const }, maxRequestDuration: "PT3H" }], approval: null, breakGlass: false, justificationRequired: true, justificationRule: { minLength: 5, pattern: "^INC", hint: "INC number" } };
    expect(formFromPolicy(stored).justification).toEqual({ changed: false, required: true, minLength: "5", pattern: "^INC", hint: "INC number" });
  });
});
