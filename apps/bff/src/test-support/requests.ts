import { randomUUID } from "node:crypto";
import { parseEventDetails, type PolicyPort } from "@portcullis/contract";
import { allowRulePrefix, type NsgRule } from "@portcullis/core";
import request from "supertest";
import type { ArmClients } from "../lib/azure/clients.ts";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { expectDocumented } from "./openapi-responses.ts";
import type { InProcessBff } from "./stack.ts";
import { demo, rulesNow } from "./policies.ts";
import type { GrantRecord } from "../requests/grant-record.ts";

/** Test support for access requests: a policy in place, a request sent, the Allow rules an NSG holds. */
export const sshPerRequest: PolicyPort = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
export const rdpOffice: PolicyPort = { port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24"] }, maxRequestDuration: "PT1H" };

export async function enablePolicy(bff: InProcessBff, vmIds: string[], ports: PolicyPort[], justificationRequired?: boolean): Promise<void> {
  const context = { actor: { oid: "test", name: "test", ip: null }, correlationId: null };
  await bff.policies.put(
    vmIds.map((vmId) => ({ vmId, ports, ...(justificationRequired === undefined ? {} : { justificationRequired }) })),
    { kind: "put", context },
  );
}

/** `POST /api/requests`; the answer (grant, pending request or error) is checked against the OpenAPI document. */
export async function requestAccess(bff: InProcessBff, authorization: string, body: object, forwardedFor?: string) {
  const call = request(bff.app).post("/api/requests").set("authorization", authorization);
  if (forwardedFor !== undefined) call.set("x-forwarded-for", forwardedFor);
  return expectDocumented(await call.send(body));
}

export async function allowRules(arm: ArmClients, nsgId: string): Promise<NsgRule[]> {
  return (await rulesNow(arm, nsgId)).filter((rule) => rule.name.startsWith(allowRulePrefix));
}

/** Audit actions about one grant, oldest first. */
export async function grantActions(bff: InProcessBff, grantId: string): Promise<string[]> {
  const events = await listAuditEvents(bff.database.kysely);
  return events
    .filter((e) => {
      const parsed = parseEventDetails(e.action, e.details);
      return parsed.typed && "grantId" in parsed.details && parsed.details.grantId === grantId;
    })
    .map((e) => `${e.action}:${e.outcome}`);
}

export const threeHoursMs = 3 * 3600_000;

/** A grant row as the request flow stores it (open, on no NSG unless given), for tests that need one in place. */
export function storedGrant(requesterOid: string, overrides: Partial<GrantRecord> = {}): GrantRecord {
  const now = new Date();
  return {
    id: randomUUID(),
    vmId: demo.web02.toLowerCase(),
    vmName: "vm-prod-web-02",
    resourceGroup: "rg-web-prod",
    subscriptionId: demo.web02.split("/")[2] ?? "",
    requesterOid,
    requesterName: requesterOid,
    requesterIp: null,
    ports: [{ port: 22, protocol: "TCP" }],
    sourcePrefixes: ["198.51.100.7/32"],
    justification: null,
    status: "open",
    statusReason: null,
    createdAt: now,
    startsAt: now,
    endsAt: new Date(now.getTime() + 3600_000),
    closedAt: null,
    closeAttempts: 0,
    nextAttemptAt: null,
    lastError: null,
    nsgIds: [],
    correlationId: null,
    claimedBy: null,
    leaseUntil: null,
    privateIps: ["10.10.1.5"],
    osType: "Linux",
    adminUsername: "azureadmin",
    requesterUsername: null,
    requestId: null,
    breakGlass: false,
    revokeRequested: null,
    ...overrides,
  };
}
