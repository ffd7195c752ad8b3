import { describe, expect, it } from "vitest";
import { InputError } from "../lib/errors.ts";
import { checkAcceptedLosses, readDefenderImport, toDefenderPolicies } from "./defender-schema.ts";

const parseDefenderImport = (body: unknown) => readDefenderImport(body).targets;
import type { PolicyRecord } from "./policy-mapping.ts";

const sub = "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const vm = (name: string, rg = "rg-web-prod") => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

function defenderPolicy(virtualMachines: unknown[]) {
  return {
    id: `/subscriptions/${sub}/resourceGroups/rg-web-prod/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default`,
    name: "default",
    type: "Microsoft.Security/locations/jitNetworkAccessPolicies",
    kind: "Basic",
    location: "westeurope",
    properties: { virtualMachines, requests: [], provisioningState: "Succeeded" },
  };
}

function problemsOf(run: () => unknown): Array<{ field: string; rule: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return (error.details as { problems: Array<{ field: string; rule: string }> }).problems;
    throw error;
  }
  throw new Error("expected a 400");
}

describe("importing Defender for Cloud JIT policies", () => {
  it("maps ports, protocols, sources and durations of one policy resource", () => {
    const targets = parseDefenderImport(
      defenderPolicy([
        {
          id: vm("vm-prod-web-01"),
          ports: [
            { number: 22, protocol: "*", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" },
            { number: 3389, protocol: "TCP", allowedSourceAddressPrefixes: ["203.0.113.0/24", "198.51.100.7"], maxRequestAccessDuration: "PT30M" },
            { number: 5986, protocol: "UDP", allowedSourceAddressPrefix: "2001:db8::/32", maxRequestAccessDuration: "PT24H" },
          ],
        },
      ]),
    );
    expect(targets).toEqual([
      {
        vmId: vm("vm-prod-web-01"),
        path: "properties.virtualMachines[0]",
        history: [],
        ports: [
          { port: 22, protocol: "Any", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" },
          { port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24", "198.51.100.7"] }, maxRequestDuration: "PT30M" },
          { port: 5986, protocol: "UDP", allowedSources: { kind: "prefixes", prefixes: ["2001:db8::/32"] }, maxRequestDuration: "PT24H" },
        ],
      },
    ]);
  });

  it("reads an ARM list (`value`) of several policies", () => {
    const port = { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" };
    const targets = parseDefenderImport({ value: [defenderPolicy([{ id: vm("a"), ports: [port] }]), defenderPolicy([{ id: vm("b", "rg-app-prod"), ports: [port] }])] });
    expect(targets.map((t) => [t.vmId, t.path])).toEqual([
      [vm("a"), "value[0].properties.virtualMachines[0]"],
      [vm("b", "rg-app-prod"), "value[1].properties.virtualMachines[0]"],
    ]);
  });

  it.each([
    ["a port out of range", { number: 70000, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }, "properties.virtualMachines[0].ports[0].number"],
    ["an unknown protocol", { number: 22, protocol: "ICMP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }, "properties.virtualMachines[0].ports[0].protocol"],
    ["a duration over 24 hours", { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT25H" }, "properties.virtualMachines[0].ports[0].maxRequestAccessDuration"],
    ["a duration that is not ISO-8601", { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "3 hours" }, "properties.virtualMachines[0].ports[0].maxRequestAccessDuration"],
    ["a CIDR with host bits set", { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "10.0.0.1/24", maxRequestAccessDuration: "PT3H" }, "properties.virtualMachines[0].ports[0].allowedSourceAddressPrefix"],
    ["the whole Internet as a prefix", { number: 22, protocol: "TCP", allowedSourceAddressPrefixes: ["10.0.0.0/8", "0.0.0.0/0"], maxRequestAccessDuration: "PT3H" }, "properties.virtualMachines[0].ports[0].allowedSourceAddressPrefixes[1]"],
    ["no source at all", { number: 22, protocol: "TCP", maxRequestAccessDuration: "PT3H" }, "properties.virtualMachines[0].ports[0].allowedSourceAddressPrefix"],
    ["a missing port number", { protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }, "properties.virtualMachines[0].ports[0].number"],
  ])("refuses %s with a 400 naming the path", (_case, port, field) => {
    const problems = problemsOf(() => parseDefenderImport(defenderPolicy([{ id: vm("vm-1"), ports: [port] }])));
    expect(problems.map((p) => p.field)).toContain(field);
  });

  it("refuses both source forms on one port (mutually exclusive in Defender's schema) instead of keeping one", () => {
    const port = { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "203.0.113.0/24", allowedSourceAddressPrefixes: ["198.51.100.0/24"], maxRequestAccessDuration: "PT3H" };
    expect(problemsOf(() => parseDefenderImport(defenderPolicy([{ id: vm("vm-1"), ports: [port] }])))).toEqual([
      { field: "properties.virtualMachines[0].ports[0].allowedSourceAddressPrefixes", rule: "give allowedSourceAddressPrefix or allowedSourceAddressPrefixes, not both (they are mutually exclusive)" },
    ]);
  });

  it("refuses publicIpAddress (Azure Firewall mode) loudly instead of dropping it", () => {
    const port = { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" };
    const problems = problemsOf(() => parseDefenderImport(defenderPolicy([{ id: vm("vm-1"), ports: [port], publicIpAddress: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/fw-pip" }])));
    expect(problems).toEqual([{ field: "properties.virtualMachines[0].publicIpAddress", rule: "Azure Firewall mode is not supported: Portcullis opens NSG rules only" }]);
  });

  it("refuses a repeated port and a repeated VM, naming both", () => {
    const port = { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" };
    const problems = problemsOf(() =>
      parseDefenderImport(defenderPolicy([{ id: vm("vm-1"), ports: [port, { ...port, protocol: "*" }] }, { id: vm("vm-2"), ports: [port] }, { id: vm("VM-2"), ports: [port] }])),
    );
    expect(problems).toEqual([
      { field: "properties.virtualMachines[0].ports[1].number", rule: expect.stringMatching(/port 22 is already listed/) },
      { field: "properties.virtualMachines[2].id", rule: "repeats properties.virtualMachines[1].id" },
    ]);
  });

  it.each([
    ["a file that is not a policy", { hello: "world" }, "properties"],
    ["a VM id that is not a VM", defenderPolicy([{ id: "/subscriptions/x/vm", ports: [] }]), "properties.virtualMachines[0].id"],
    ["an empty list", { value: [] }, "value"],
  ])("refuses %s, naming %s", (_case, body, field) => {
    expect(problemsOf(() => parseDefenderImport(body)).map((p) => p.field)).toContain(field);
  });
});

describe("exporting in Defender's schema", () => {
  const record = (name: string, rg: string, location: string, ports: PolicyRecord["ports"]): PolicyRecord => ({
    vmId: vm(name, rg).toLowerCase(),
    subscriptionId: sub,
    resourceGroup: rg,
    vmName: name,
    location,
    ports,
    nsgIds: [],
    createdAt: new Date(0),
    createdBy: "a",
    updatedAt: new Date(0),
    updatedBy: "a",
    version: 1,
    justificationRequired: false,
    justificationRule: null,
    approval: null,
    breakGlass: false,
    endLiveSessions: false,
    flushPrevious: {},
    requestHistory: [],
  });

  it("groups VMs into one `default` policy per resource group and region, and reads back what it wrote", () => {
    const ssh = { port: 22, protocol: "TCP" as const, allowedSources: { kind: "per-request" as const }, maxRequestDuration: "PT3H" };
    const rdp = { port: 3389, protocol: "Any" as const, allowedSources: { kind: "prefixes" as const, prefixes: ["203.0.113.0/24", "198.51.100.0/24"] }, maxRequestDuration: "PT1H" };
    const records = [record("web-1", "rg-web", "westeurope", [ssh]), record("web-2", "rg-web", "westeurope", [ssh, rdp]), record("dr-1", "rg-web", "northeurope", [ssh])];
    const exported = toDefenderPolicies(records);
    expect(exported.map((p) => [p.id, p.properties.virtualMachines.length])).toEqual([
      [`/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default`, 2],
      [`/subscriptions/${sub}/resourceGroups/rg-web/providers/Microsoft.Security/locations/northeurope/jitNetworkAccessPolicies/default`, 1],
    ]);
    expect(exported[0]?.properties.virtualMachines[1]?.ports).toEqual([
      { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" },
      { number: 3389, protocol: "*", allowedSourceAddressPrefixes: ["203.0.113.0/24", "198.51.100.0/24"], maxRequestAccessDuration: "PT1H" },
    ]);
    const reimported = parseDefenderImport({ value: exported });
    expect(reimported.map((t) => [t.vmId, t.ports])).toEqual(records.map((r) => [vm(r.vmName, r.resourceGroup), r.ports]));
  });

  it("exports Any as `*`, which reads back as Per request (never wider)", () => {
    const exported = toDefenderPolicies([record("x", "rg", "eastus", [{ port: 22, protocol: "TCP", allowedSources: { kind: "any" }, maxRequestDuration: "PT3H" }])]);
    expect(parseDefenderImport(exported[0])[0]?.ports[0]?.allowedSources).toEqual({ kind: "per-request" });
  });
});

describe("Defender request history and what the import does not understand", () => {
  const port = { number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" };
  const history = [
    {
      virtualMachines: [
        { id: vm("vm-1"), ports: [{ number: 22, allowedSourceAddressPrefix: "198.51.100.7", endTimeUtc: "2026-05-17T09:06:45.5691611Z", status: "Revoked", statusReason: "Expired" }] },
        { id: vm("vm-2"), ports: [{ number: 22, allowedSourceAddressPrefixes: ["203.0.113.0/24"], endTimeUtc: "2026-05-17T09:06:45.5691611Z", status: "Initiated", statusReason: "UserRequested", mappedPort: 0 }] },
      ],
      startTimeUtc: "2026-05-17T08:06:45.5691611Z",
      requestor: "barbara@contoso.com",
      justification: "patching",
    },
  ];

  it("keeps each request, split per VM, and puts it back together on export", () => {
    const policy = { ...defenderPolicy([{ id: vm("vm-1"), ports: [port] }, { id: vm("vm-2"), ports: [port] }]) };
    policy.properties.requests = history as never[];
    const read = readDefenderImport(policy);
    expect(read.historicalRequests).toBe(1);
    expect(read.losses).toEqual([]);
    expect(read.targets.map((t) => t.history.map((h) => [h.vmIndex, h.requestor, h.ports[0]?.status]))).toEqual([[[0, "barbara@contoso.com", "Revoked"]], [[1, "barbara@contoso.com", "Initiated"]]]);
    const records = read.targets.map((t) => ({
      vmId: t.vmId.toLowerCase(),
      subscriptionId: sub,
      resourceGroup: "rg-web-prod",
      vmName: t.vmId.split("/").pop() as string,
      location: "westeurope",
      ports: t.ports,
      nsgIds: [],
      createdAt: new Date(0),
      createdBy: "a",
      updatedAt: new Date(0),
      updatedBy: "a",
      version: 1,
      justificationRequired: false,
      justificationRule: null,
      approval: null,
      breakGlass: false,
      endLiveSessions: false,
      flushPrevious: {},
      requestHistory: t.history,
    }));
    expect(toDefenderPolicies(records)[0]?.properties.requests).toEqual(history);
  });

  it("refuses a request naming a VM the policy does not hold", () => {
    const policy = { ...defenderPolicy([{ id: vm("vm-1"), ports: [port] }]) };
    policy.properties.requests = history as never[];
    expect(problemsOf(() => readDefenderImport(policy))).toEqual([{ field: "properties.requests[0].virtualMachines[1].id", rule: "must be one of this policy's virtualMachines" }]);
  });

  it("lists every field it does not understand (policy, VM, port, request) and a policy name the export would not keep", () => {
    const policy = {
      ...defenderPolicy([{ id: vm("vm-1"), ports: [{ ...port, foo: 1 }, { ...port, number: 3389 }], tags: { a: "b" } }]),
      name: "jit-web",
      etag: '"1"',
    };
    const requests = [{ ...history[0], virtualMachines: [{ ...history[0]?.virtualMachines[0], ports: [{ ...history[0]?.virtualMachines[0]?.ports[0], extra: true }] }] }];
    const read = readDefenderImport({ value: [{ ...policy, properties: { ...policy.properties, requests, future: [] } }], nextLink: "https://x" });
    expect(read.losses.map((l) => l.field)).toEqual([
      "nextLink",
      "value[0].etag",
      "value[0].name",
      "value[0].properties.future",
      "value[0].properties.virtualMachines[0].tags",
      "value[0].properties.virtualMachines[0].ports[0].foo",
      "value[0].properties.requests[0].virtualMachines[0].ports[0].extra",
    ]);
    expect(read.losses.find((l) => l.field === "value[0].properties.virtualMachines[0].tags")?.value).toBe('{"a":"b"}');
  });

  it("goes ahead only when exactly the listed losses are accepted", () => {
    const losses = [{ field: "properties.foo", value: "1" }, { field: "properties.virtualMachines[0].bar", value: "2" }];
    expect(() => checkAcceptedLosses(losses, ["properties.virtualMachines[0].bar", "properties.foo"])).not.toThrow();
    expect(() => checkAcceptedLosses([], [])).not.toThrow();
    expect(problemsOf(() => checkAcceptedLosses(losses, ["properties.foo"]))).toEqual([
      { field: "properties.virtualMachines[0].bar", rule: "is not understood by Portcullis and would be dropped: list it in acceptLosses to import without it" },
    ]);
    expect(problemsOf(() => checkAcceptedLosses(losses, ["properties.foo", "properties.virtualMachines[0].bar", "properties.baz"]))).toEqual([
      { field: "acceptLosses[2]", rule: '"properties.baz" is not a field this import would drop' },
    ]);
  });
});
