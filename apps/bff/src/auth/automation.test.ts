import type { ActivityPageResponse, Grant } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localApiAudience, localAutomationClient, localTenantId } from "../lib/config-auth.ts";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { demo } from "../test-support/policies.ts";
import { allowRules, enablePolicy, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { expectDocumented } from "../test-support/openapi-responses.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { issuerSigningKey, signToken } from "../test-support/tokens.ts";

/** A client-credentials token from the BFF's local issuer, as a pipeline (or MSAL's confidential client) gets one. */
async function appToken(bff: InProcessBff, clientId: string, clientSecret: string): Promise<string> {
  const response = await fetch(bff.localIssuer?.metadata.token_endpoint ?? "", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope: `${localApiAudience}/.default` }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (body.access_token === undefined) throw new Error(`client credentials failed: ${body.error ?? response.status}`);
  return body.access_token;
}

describe("automation: app-only tokens", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("the demo automation client's token (client credentials, app role Jit.Requester) opens and revokes a grant, and the activity log names the application as actor", async () => {
    const token = `Bearer ${await appToken(bff, localAutomationClient.clientId, localAutomationClient.clientSecret)}`;
    const me = expectDocumented(await request(bff.app).get("/api/me").set("authorization", token));
    expect(me.body).toMatchObject({ user: { name: "application portcullis-automation", username: "portcullis-automation", tenantId: localTenantId }, tenantRoles: ["Requester"] });

    const opened = await requestAccess(bff, token, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 30, justification: "pipeline deploy" });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const grant = opened.body as Grant;
    expect(grant.requester.name).toBe("application portcullis-automation");
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([expect.objectContaining({ sourceAddressPrefixes: ["198.51.100.7"], destinationPortRanges: ["22"] })]);

    const revoked = expectDocumented(await request(bff.app).post(`/api/grants/${grant.id}/revoke`).set("authorization", token));
    expect(revoked.status).toBe(200);
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);

    const auditor = `Bearer ${await signInAs(bff, "auditor@contoso.test")}`;
    const log = expectDocumented(await request(bff.app).get("/api/activity").query({ vmId: demo.web01 }).set("authorization", auditor));
    const events = (log.body as ActivityPageResponse).items.filter((e) => e.details["grantId"] === grant.id);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["request.opened", "request.revoked"]));
    for (const event of events) expect(event.actor).toMatchObject({ kind: "application", name: "application portcullis-automation" });
    const people = (log.body as ActivityPageResponse).items.filter((e) => e.actor.oid === "test");
    for (const event of people) expect(event.actor.kind).toBe("user");
  });

  it("an app-only token without a Portcullis role is refused with 403 naming what to do, reads included, and each refusal is audited", async () => {
    const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: bff.localIssuer?.issuer, aud: localApiAudience, sub: "app-without-role", oid: "0f0f0f0f-0000-4000-8000-00000000a11e", tid: localTenantId, azp: "roleless-app", idtyp: "app", ver: "2.0", iat: now, nbf: now, exp: now + 600 };
    const token = `Bearer ${await signToken(claims, key, { alg: "RS256", kid })}`;
    emulator.control.resetCounters();

    const write = await requestAccess(bff, token, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 30 });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toBe("Application tokens need a Portcullis app role (Jit.Requester, Jit.Approver, Jit.Auditor or Jit.Admin): assign one to the application");
    const read = expectDocumented(await request(bff.app).get("/api/grants").set("authorization", token));
    expect(read.status).toBe(403);
    expect(emulator.control.counters()).toMatchObject({ requests: 0, writes: 0 });
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);

    const denied = (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "access.denied" && e.actor.oid === claims.oid);
    expect(denied.map((e) => e.details["route"])).toEqual(["POST (no route)", "GET (no route)"]);
    for (const event of denied) expect(event.details).toMatchObject({ reason: "ApplicationWithoutRole", actorKind: "application" });
  });

  it("a token without idtyp=app still needs the delegated scope (a user token cannot pass as an app)", async () => {
    const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: bff.localIssuer?.issuer, aud: localApiAudience, sub: "x", oid: "0f0f0f0f-0000-4000-8000-00000000b0b0", tid: localTenantId, roles: ["Jit.Admin"], ver: "2.0", iat: now, nbf: now, exp: now + 600 };
    const res = expectDocumented(await request(bff.app).get("/api/me").set("authorization", `Bearer ${await signToken(claims, key, { alg: "RS256", kid })}`));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe("Invalid access token: missing scope");
  });
});
