import type { DefenderPolicy, ExportPoliciesResponse, ImportPoliciesResponse } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { demo, rulesNow, ssh } from "../test-support/policies.ts";

/** A Defender export of rg-app-prod's policy, with its request history, as Azure lists it. */
function defenderFile(extra: { vm?: object; port?: object; policy?: object } = {}) {
  return {
    value: [
      {
        id: `${demo.app01.split("/providers/")[0]}/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default`,
        name: "default",
        type: "Microsoft.Security/locations/jitNetworkAccessPolicies",
        kind: "Basic",
        location: "westeurope",
        ...extra.policy,
        properties: {
          virtualMachines: [
            { id: demo.app01, ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H", ...extra.port }], ...extra.vm },
            { id: demo.app03, ports: [{ number: 3389, protocol: "TCP", allowedSourceAddressPrefixes: ["203.0.113.0/24", "198.51.100.0/24"], maxRequestAccessDuration: "PT1H" }] },
          ],
          requests: [
            {
              virtualMachines: [
                { id: demo.app01, ports: [{ number: 22, allowedSourceAddressPrefix: "198.51.100.7", endTimeUtc: "2026-05-17T11:06:45.5691611Z", status: "Revoked", statusReason: "Expired", mappedPort: 0 }] },
                { id: demo.app03, ports: [{ number: 3389, allowedSourceAddressPrefixes: ["203.0.113.0/24"], endTimeUtc: "2026-05-17T09:06:45.5691611Z", status: "Revoked", statusReason: "UserRequested" }] },
              ],
              startTimeUtc: "2026-05-17T08:06:45.5691611Z",
              requestor: "barbara@contoso.com",
              justification: "quarterly patching",
            },
            {
              virtualMachines: [{ id: demo.app03, ports: [{ number: 3389, allowedSourceAddressPrefix: "203.0.113.9", endTimeUtc: "2026-06-01T10:00:00Z", status: "Initiated", statusReason: "UserRequested" }] }],
              startTimeUtc: "2026-06-01T09:00:00Z",
              requestor: "ravi@contoso.com",
            },
          ],
          provisioningState: "Succeeded",
        },
      },
    ],
  };
}

describe("Defender import and export: request history round-trips, losses are refused unless accepted", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.control.reset();
    await bff.database.kysely.deleteFrom("jit_policy").execute();
  });

  const importFile = (body: object, dryRun: boolean) => request(bff.app).post("/api/policies/import").query({ dryRun: String(dryRun) }).set("authorization", admin).send(body);
  const exportAll = async () => (await request(bff.app).get("/api/policies/export").set("authorization", admin)).body as ExportPoliciesResponse;
  /** The policy as Defender means it: VMs and ports by id (order-free), the requests as written. */
  const meaning = (policy: DefenderPolicy | undefined) => ({
    id: policy?.id,
    virtualMachines: [...(policy?.properties.virtualMachines ?? [])].sort((a, b) => a.id.localeCompare(b.id)),
    requests: policy?.properties.requests,
  });

  it("imports a policy with request history, writes its NSG rules, and exports the same policy back, requests included", async () => {
    const file = defenderFile();
    const dry = await importFile(file, true);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body as ImportPoliciesResponse).toMatchObject({ dryRun: true, historicalRequests: 2, losses: [] });

    const real = await importFile(file, false);
    expect(real.status, JSON.stringify(real.body)).toBe(200);
    expect(real.body as ImportPoliciesResponse).toMatchObject({ dryRun: false, historicalRequests: 2, losses: [] });
    expect((await rulesNow(bff.arm, demo.nsgApp01)).some((r) => r.name.startsWith("portcullis-jit-") && r.access === "Deny")).toBe(true);

    const exported = await exportAll();
    expect(exported.value).toHaveLength(1);
    expect(meaning(exported.value[0])).toEqual(meaning(file.value[0] as DefenderPolicy));

    // Editing the policy in Portcullis keeps the history; exporting again still carries it.
    expect((await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.app01], ports: [{ ...ssh, maxRequestDuration: "PT2H" }] })).status).toBe(200);
    expect((await exportAll()).value[0]?.properties.requests).toEqual(file.value[0]?.properties.requests);

    // Importing the export again is the same policy: the history is replaced, not doubled.
    const again = await importFile(await exportAll(), false);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect((await exportAll()).value[0]?.properties.requests).toEqual(file.value[0]?.properties.requests);
  });

  it("lists unknown fields in the dry run, refuses the real import naming them (nothing written), and imports when exactly those are accepted", async () => {
    const file = defenderFile({ vm: { osType: "Linux" }, port: { priority: 100 }, policy: { systemData: { createdBy: "x" } } });
    const lost = ["value[0].systemData", "value[0].properties.virtualMachines[0].osType", "value[0].properties.virtualMachines[0].ports[0].priority"];

    const dry = await importFile(file, true);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect((dry.body as ImportPoliciesResponse).losses).toEqual([
      { field: lost[0], value: '{"createdBy":"x"}' },
      { field: lost[1], value: '"Linux"' },
      { field: lost[2], value: "100" },
    ]);

    emulator.control.resetCounters();
    const refused = await importFile(file, false);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual(lost);
    expect(refused.body.error.message).toMatch(/is not understood by Portcullis and would be dropped/);
    const partly = await importFile({ document: file, acceptLosses: lost.slice(0, 2) }, false);
    expect(partly.status).toBe(400);
    expect(partly.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual([lost[2]]);
    const stale = await importFile({ document: file, acceptLosses: [...lost, "value[0].properties.virtualMachines[1].osType"] }, false);
    expect(stale.status).toBe(400);
    expect(stale.body.error.details.problems).toEqual([{ field: "acceptLosses[3]", rule: '"value[0].properties.virtualMachines[1].osType" is not a field this import would drop' }]);
    expect(emulator.control.counters().writes).toBe(0);
    expect(await bff.database.kysely.selectFrom("jit_policy").selectAll().execute()).toEqual([]);

    const accepted = await importFile({ document: file, acceptLosses: lost }, false);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect((accepted.body as ImportPoliciesResponse).losses.map((l) => l.field)).toEqual(lost);
    const events = await listAuditEvents(bff.database.kysely, { correlationId: accepted.headers["x-request-id"] ?? "none" });
    expect(events.map((e) => [e.vmId, e.action, e.outcome])).toEqual([
      [demo.app01.toLowerCase(), "policy.imported", "success"],
      [demo.app03.toLowerCase(), "policy.imported", "success"],
    ]);
    // What was accepted is gone; everything else is as the file said.
    expect(meaning((await exportAll()).value[0])).toEqual(meaning(defenderFile().value[0] as DefenderPolicy));
  });

  it("refuses a malformed history entry with a 400 naming its path", async () => {
    const file = defenderFile();
    const requests = file.value[0]?.properties.requests as Array<{ startTimeUtc: string }>;
    (requests[1] as { startTimeUtc: string }).startTimeUtc = "yesterday";
    const res = await importFile(file, true);
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual([{ field: "value[0].properties.requests[1].startTimeUtc", rule: "must be an ISO-8601 date-time" }]);
  });
});
