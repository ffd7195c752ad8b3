import type { ExportPoliciesResponse, Grant, Policy } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { localApiAudience, localAutomationClient } from "../lib/config-auth.ts";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { allowRules, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { expectDocumented } from "../test-support/openapi-responses.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { demo } from "../test-support/policies.ts";

const incident = { minLength: 0, pattern: "^(INC|CHG)\\d{6}", hint: "Enter the incident or change number, like INC123456" };
const refusal = `Enter the incident or change number, like INC123456 (must match the pattern ^(INC|CHG)\\d{6})`;

describe("justification rules per policy: saved, shown, enforced on every request path, exported", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin = "";
  let dev = "";

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.control.reset();
    await bff.database.kysely.deleteFrom("jit_grant").execute();
    await bff.database.kysely.deleteFrom("jit_policy").execute();
  });

  const put = (body: object) => request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.web01], ports: [sshPerRequest], ...body });
  const ask = (justification: string | undefined, authorization = dev) =>
    requestAccess(bff, authorization, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 30, ...(justification === undefined ? {} : { justification }) });

  it("the rule is saved with the policy and sent back with it (what the Request access blade shows)", async () => {
    const saved = expectDocumented(await put({ justificationRequired: true, justificationRule: incident }));
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const policy = expectDocumented(await request(bff.app).get("/api/policies/vm").query({ vmId: demo.web01 }).set("authorization", dev));
    expect(policy.body as Policy).toMatchObject({ justificationRequired: true, justificationRule: incident });
    // Absent keeps it; null removes it.
    expect((await put({})).body.policies[0]).toMatchObject({ justificationRule: incident });
    expect((await put({ justificationRule: null })).body.policies[0]).toMatchObject({ justificationRule: null });
  });

  it.each([
    ["an invalid pattern", { ...incident, pattern: "^(INC" }, "justificationRule.pattern", /is not a valid pattern/],
    ["a pattern with a backreference (not RE2)", { ...incident, pattern: "^(a)\\1" }, "justificationRule.pattern", /RE2 syntax/],
    ["a pattern longer than 200 characters", { ...incident, pattern: "a".repeat(201) }, "justificationRule.pattern", /at most 200 characters/],
    ["a pattern without a hint", { ...incident, hint: null }, "justificationRule.hint", /is required with a pattern/],
    ["a minimum length over 1,000", { minLength: 1001, pattern: null, hint: null }, "justificationRule.minLength", /must be at most 1000/],
    ["a negative minimum length", { minLength: -1, pattern: null, hint: null }, "justificationRule.minLength", /must be at least 0/],
    ["a minimum length that is not whole", { minLength: 2.5, pattern: null, hint: null }, "justificationRule.minLength", /must be an integer/],
  ])("refuses %s with a 400 naming %s, and stores and writes nothing", async (_case, rule, field, message) => {
    emulator.control.resetCounters();
    const res = expectDocumented(await put({ justificationRule: rule }));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    const problem = (res.body.error.details.problems as Array<{ field: string; rule: string }>).find((p) => p.field === field);
    expect(problem?.rule).toMatch(message);
    expect(emulator.control.counters()).toMatchObject({ writes: 0 });
    expect(await bff.database.kysely.selectFrom("jit_policy").select("vm_id").execute()).toEqual([]);
  });

  describe("a request's justification against the rule ^(INC|CHG)\\d{6}, required", () => {
    beforeEach(async () => {
      expect((await put({ justificationRequired: true, justificationRule: { ...incident, minLength: 8 } })).status).toBe(200);
    });

    it.each([
      ["INC123456", 201],
      ["CHG654321 patch the kernel", 201],
      ["  INC000001  ", 201],
      ["inc123456", 400],
      ["INC12345", 400],
      ["see INC123456", 400],
      ["fix the deploy", 400],
      ["CHG-123456", 400],
    ])("%j -> %i", async (justification, status) => {
      const res = await ask(justification);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      if (status === 400) {
        expect(res.body.error.details.problems).toEqual([{ field: "justification", rule: refusal }]);
        expect(res.body.error.message).toBe(`justification: ${refusal}`);
        expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
      } else {
        expect((res.body as Grant).justification).toBe(justification.trim());
      }
    });

    it("a missing justification is refused as required; a short one names the minimum and the hint", async () => {
      expect((await ask(undefined)).body.error.details.problems).toEqual([{ field: "justification", rule: "is required by this VM's policy" }]);
      expect((await ask("INC1")).body.error.details.problems).toEqual([
        { field: "justification", rule: "must be at least 8 characters (this VM's policy)" },
        { field: "justification", rule: refusal },
      ]);
    });

    it("a refused justification leaves a failed request.created event naming the rule, and opens nothing", async () => {
      expect((await ask("fix the deploy")).status).toBe(400);
      const events = (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "request.created");
      expect(events.at(-1)).toMatchObject({ outcome: "failure", error: `justification: ${refusal}` });
      expect(await bff.database.kysely.selectFrom("jit_grant").select("id").execute()).toEqual([]);
    });

    it("several ports in one request are held to the same rule", async () => {
      await put({ ports: [sshPerRequest, { ...sshPerRequest, port: 3389 }], justificationRequired: true, justificationRule: incident });
      const body = { vmId: demo.web01, ports: [{ port: 22 }, { port: 3389 }], sources: { kind: "my-ip" }, durationMinutes: 30 };
      expect((await requestAccess(bff, dev, { ...body, justification: "both please" })).body.error.details.problems).toEqual([{ field: "justification", rule: refusal }]);
      expect((await requestAccess(bff, dev, { ...body, justification: "INC123456 both" })).status).toBe(201);
    });

    it("an application's token (a pipeline, the CLI's app path) is held to the same rule", async () => {
      const response = await fetch(bff.localIssuer?.metadata.token_endpoint ?? "", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: localAutomationClient.clientId, client_secret: localAutomationClient.clientSecret, scope: `${localApiAudience}/.default` }),
      });
      const app = `Bearer ${((await response.json()) as { access_token: string }).access_token}`;
      expect((await ask("pipeline deploy", app)).body.error.details.problems).toEqual([{ field: "justification", rule: refusal }]);
      expect((await ask("CHG123456 pipeline deploy", app)).status).toBe(201);
    });
  });

  it("an optional justification may be left out, but one given must follow the rule", async () => {
    await put({ justificationRequired: false, justificationRule: incident });
    expect((await ask(undefined)).status).toBe(201);
    await bff.database.kysely.deleteFrom("jit_grant").execute();
    expect((await ask("later")).status).toBe(400);
  });

  it("a catastrophic pattern for a backtracking engine is saved and answered at once (RE2: linear time)", async () => {
    expect((await put({ justificationRequired: true, justificationRule: { minLength: 0, pattern: "^(a+)+$", hint: "only the letter a" } })).status).toBe(200);
    const started = Date.now();
    const res = await ask(`${"a".repeat(999)}b`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual([{ field: "justification", rule: "only the letter a (must match the pattern ^(a+)+$)" }]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  describe("Defender export and import: the rule travels in the portcullis extension field", () => {
    it("exports it on the VM, imports it back, and Defender's own fields stay as they were", async () => {
      await put({ justificationRequired: true, justificationRule: incident });
      const exported = expectDocumented(await request(bff.app).get("/api/policies/export").set("authorization", admin)).body as ExportPoliciesResponse;
      const vm = exported.value[0]?.properties.virtualMachines[0];
      expect(vm).toMatchObject({ ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }], portcullis: { justificationRequired: true, justificationRule: incident } });

      await bff.database.kysely.deleteFrom("jit_policy").execute();
      const dryRun = expectDocumented(await request(bff.app).post("/api/policies/import").set("authorization", admin).send(exported));
      expect(dryRun.body.losses).toEqual([]);
      const imported = expectDocumented(await request(bff.app).post("/api/policies/import?dryRun=false").set("authorization", admin).send(exported));
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      const policy = await request(bff.app).get("/api/policies/vm").query({ vmId: demo.web01 }).set("authorization", admin);
      expect(policy.body).toMatchObject({ justificationRequired: true, justificationRule: incident });
      expect((await ask("fix it")).body.error.details.problems).toEqual([{ field: "justification", rule: refusal }]);
    });

    it("a policy without a rule exports without the extension (as Defender writes it)", async () => {
      await put({});
      const exported = (await request(bff.app).get("/api/policies/export").set("authorization", admin)).body as ExportPoliciesResponse;
      expect(exported.value[0]?.properties.virtualMachines[0]).not.toHaveProperty("portcullis");
    });

    it("an import whose extension holds an invalid pattern is refused naming the path; an unknown extension field is a listed loss", async () => {
      await put({ justificationRequired: true, justificationRule: incident });
      const exported = (await request(bff.app).get("/api/policies/export").set("authorization", admin)).body as ExportPoliciesResponse;
      const vm = exported.value[0]?.properties.virtualMachines[0] as Record<string, unknown>;
      const bad = structuredClone(exported);
      (bad.value[0]?.properties.virtualMachines[0] as Record<string, unknown>)["portcullis"] = { justificationRule: { ...incident, pattern: "(" } };
      const refused = expectDocumented(await request(bff.app).post("/api/policies/import").set("authorization", admin).send(bad));
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual(["value[0].properties.virtualMachines[0].portcullis.justificationRule.pattern"]);

      const extra = structuredClone(exported);
      (extra.value[0]?.properties.virtualMachines[0] as Record<string, unknown>)["portcullis"] = { ...(vm["portcullis"] as object), scheduledWindows: true };
      const dryRun = expectDocumented(await request(bff.app).post("/api/policies/import").set("authorization", admin).send(extra));
      expect(dryRun.body.losses.map((l: { field: string }) => l.field)).toEqual(["value[0].properties.virtualMachines[0].portcullis.scheduledWindows"]);
    });
  });
});
