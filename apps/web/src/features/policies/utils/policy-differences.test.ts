import { describe, expect, it } from "vitest";
import { policyFixture } from "../../../test-support/policies.ts";
import { policyDifferences } from "./policy-differences.ts";

const other = (patch: Parameters<typeof policyFixture>[0]) => policyFixture({ vmName: "vm-web-02", vmId: "vm-web-02", ...patch });

describe("policyDifferences", () => {
  it("is empty when every VM holds the rules shown", () => {
    expect(policyDifferences(policyFixture(), [other({}), other({ version: 9 })])).toEqual([]);
  });

  it("names each field that differs, in the blade's words, per VM", () => {
    const shown = policyFixture({ ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }] });
    const differing = other({
      ports: [
        { port: 22, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24"] }, maxRequestDuration: "PT1H30M", requireApproval: false },
        { port: 5986, protocol: "UDP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT1H" },
      ],
      approval: { requiredApprovals: 1, approvers: { users: [], groups: ["grp"] }, allowSelfApproval: false, maxWait: "PT1H", clockStartsAt: "approval" } as never,
      justificationRequired: true,
      endLiveSessions: true,
    });
    const lacking = other({ vmName: "vm-web-03", ports: [] });
    expect(policyDifferences(shown, [differing, lacking])).toEqual([
      {
        vmName: "vm-web-02",
        differences: [
          "port 5986 (UDP): only in its rules",
          "port 22: max request time 1 h 30 min, not 3 h",
          "port 22: allowed sources",
          "port 22: needs approval",
          "its own approval rule",
          "its own justification rule",
          "ends live sessions",
        ],
      },
      { vmName: "vm-web-03", differences: ["port 22: not in its rules"] },
    ]);
  });
});
