import { startEmulator, type SeedSpec } from "@portcullis/azure-emulator";
import type { Grant } from "@portcullis/contract";
import { allowRulePrefix, armIdKey, parseAllowRuleDescription } from "@portcullis/core";
import { createLocalArmTokenVerifier } from "@portcullis/bff";
import type { ArmClients } from "@portcullis/bff/testing";
import { enablePolicy, sshPerRequest } from "@portcullis/bff/testing";
import { startTestEmulator, type InProcessBff, type TestEmulator } from "@portcullis/bff/testing";
import { adminToken, startBenchBff } from "./large-stack.ts";

/** Where API calls go and as whom: a BFF's URL and a bearer token it accepts. */
export interface ApiCaller {
  url: string;
  token: string;
}

/** The demo emulator, one in-process BFF on it, and the demo admin's token (admin holds `jit.request.create`). */
export interface JitStack extends ApiCaller {
  emulator: TestEmulator;
  bff: InProcessBff;
  close(): Promise<void>;
}

/** With a seed: the emulator in memory on that estate, with `writeLatencyMs`; without: the tests' demo emulator. */
export async function startJitStack(options: { seed?: SeedSpec; writeLatencyMs?: number } = {}): Promise<JitStack> {
  const emulator = options.seed === undefined ? await startTestEmulator() : await startSeededEmulator(options.seed, options.writeLatencyMs ?? 10);
  const bff = await startBenchBff(emulator);
  const token = await adminToken(bff);
  return {
    emulator,
    bff,
    url: bff.url,
    token,
    async close() {
      await bff.close();
      await emulator.stop();
    },
  };
}

async function startSeededEmulator(seed: SeedSpec, writeLatencyMs: number): Promise<TestEmulator> {
  const armTokens = createLocalArmTokenVerifier();
  const emulator = await startEmulator({ dataDir: null, seed, writeLatencyMs, verifyToken: (token) => armTokens.verify(token) });
  return { ...emulator, armTokens };
}

/** Every VM id of the estate, as ARM lists them. */
export async function listVmIds(arm: ArmClients): Promise<string[]> {
  const ids: string[] = [];
  for await (const subscription of arm.subscriptions.subscriptions.list()) {
    if (subscription.subscriptionId === undefined) continue;
    for await (const vm of arm.compute(subscription.subscriptionId).virtualMachines.listAll()) {
      if (vm.id !== undefined) ids.push(vm.id);
    }
  }
  return ids.sort();
}

/** The grant ids of the Portcullis Allow rules on every NSG of the estate (one entry per rule), keyed by lower-case NSG id. */
export async function allowRuleGrants(arm: ArmClients): Promise<Map<string, string[]>> {
  const byNsg = new Map<string, string[]>();
  for await (const subscription of arm.subscriptions.subscriptions.list()) {
    if (subscription.subscriptionId === undefined) continue;
    for await (const nsg of arm.network(subscription.subscriptionId).networkSecurityGroups.listAll()) {
      const rules = (nsg.securityRules ?? []).filter((rule) => rule.name?.startsWith(allowRulePrefix) === true);
      byNsg.set(armIdKey(nsg.id ?? ""), rules.map((rule) => parseAllowRuleDescription(rule.description)?.grantId ?? ""));
    }
  }
  return byNsg;
}

/** Portcullis Allow rules still on any NSG of the estate, as ARM lists them. */
export async function countAllowRules(arm: ArmClients): Promise<number> {
  let count = 0;
  for (const grants of (await allowRuleGrants(arm)).values()) count += grants.length;
  return count;
}

/** SSH (per-request sources) on every VM given, as the policy service stores it. */
export function enableSsh(stack: JitStack, vmIds: string[]): Promise<void> {
  return enablePolicy(stack.bff, vmIds, [sshPerRequest]);
}

/** 503s a call waits out (as a client should, after its Retry-After) before it gives up. */
const maxRetriesAfter503 = 5;

async function call(api: ApiCaller, path: string, body: object): Promise<Grant> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${api.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 503 && attempt < maxRetriesAfter503) {
      const seconds = Number(response.headers.get("retry-after") ?? "1");
      await new Promise((resolve) => setTimeout(resolve, 1000 * (Number.isFinite(seconds) ? Math.min(seconds, 10) : 1)));
      continue;
    }
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Grant;
  }
}

/** POST /api/requests for SSH from `source`; resolves when the 201 is back (the NSG write has completed). */
export function requestSsh(api: ApiCaller, vmId: string, source: string, durationMinutes = 60): Promise<Grant> {
  return call(api, "/api/requests", { vmId, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: [source] }, durationMinutes });
}

export function revokeGrant(api: ApiCaller, grantId: string): Promise<Grant> {
  return call(api, `/api/grants/${grantId}/revoke`, {});
}
