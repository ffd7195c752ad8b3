import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import type { Grant } from "@portcullis/contract";
import type { IssuerMetadata } from "@portcullis/local-issuer";
import { parseAllowRuleDescription } from "@portcullis/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArmClients } from "../lib/azure/clients.ts";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { testPostgresUrl } from "../test-support/db-engines.ts";
import { demo } from "../test-support/policies.ts";
import { allowRules, sshPerRequest } from "../test-support/requests.ts";
import { startChildBff, type ChildBff } from "../test-support/child-bff.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { testArmClients } from "../test-support/test-arm.ts";

const nginx = "/usr/sbin/nginx";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The deployment the README describes (deploy/): PostgreSQL, two BFF replicas and a reverse proxy (nginx from
 * Debian's packages) that sets X-Forwarded-For, with TRUST_PROXY trusting it. The local issuer (demo sign-in) keeps
 * its sign-in interactions in memory, so /oidc goes to replica A only; with Entra ID there is no such route.
 */
describe.skipIf(!existsSync(nginx))("two BFF replicas on PostgreSQL behind nginx", () => {
  let emulator: RunningEmulator;
  let arm: ArmClients;
  let dir: string;
  let database: Database;
  let proxy: ChildProcess | undefined;
  let proxyUrl: string;
  const schema = `test_proxy_${randomBytes(4).toString("hex")}`;
  const replicas: ChildBff[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ dataDir: null, writeLatencyMs: 10 });
    arm = testArmClients(emulator);
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-proxy-"));
    await writeFile(path.join(dir, "emulator-ca.pem"), emulator.caCertPem);
    database = await openDatabase({ kind: "postgres", url: testPostgresUrl, schema });
    // Migrated here, in its schema: Kysely's migrator looks for its tables in every schema of the database, so a
    // process whose search_path selects a fresh schema could find another test's lock table and not create its own.
    await migrateToLatest(database);
    const url = new URL(testPostgresUrl);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const proxyPort = await freePort();
    proxyUrl = `http://localhost:${proxyPort}`;
    const env = (name: string) => ({
      ARM_ENDPOINT: emulator.url,
      ARM_CA_CERT_FILE: path.join(dir, "emulator-ca.pem"),
      DATA_DIR: path.join(dir, name),
      DATABASE_URL: url.href,
      PUBLIC_URL: proxyUrl,
      TRUST_PROXY: "loopback",
      SCHEDULER_INTERVAL_MS: "200",
      AUDIT_SIGNING_KEY: randomKey,
    });
    const randomKey = randomBytes(32).toString("base64");
    replicas.push(await startChildBff(env("replica-a")));
    // The replicas share the demo issuer's keys, so a token signed by A is valid at B (as both trust Entra ID's keys).
    await mkdir(path.join(dir, "replica-b"), { recursive: true, mode: 0o700 });
    await cp(path.join(dir, "replica-a", "local-issuer"), path.join(dir, "replica-b", "local-issuer"), { recursive: true });
    replicas.push(await startChildBff(env("replica-b")));
    const port = (bff: ChildBff) => new URL(bff.url).port;
    const conf = `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  upstream bff { server 127.0.0.1:${port(replicas[0] as ChildBff)} max_fails=1 fail_timeout=30s; server 127.0.0.1:${port(replicas[1] as ChildBff)} max_fails=1 fail_timeout=30s; }
  upstream issuer { server 127.0.0.1:${port(replicas[0] as ChildBff)}; }
  server {
    listen 127.0.0.1:${proxyPort};
    proxy_set_header Host $http_host;
    # The client's address as nginx saw it, replacing whatever the client sent.
    proxy_set_header X-Forwarded-For $remote_addr;
    location /oidc/ { proxy_pass http://issuer; }
    location / { proxy_pass http://bff; proxy_next_upstream error timeout http_502 http_503; }
  }
}
`;
    await writeFile(path.join(dir, "nginx.conf"), conf);
    proxy = spawn(nginx, ["-c", path.join(dir, "nginx.conf"), "-p", dir], { stdio: "ignore" });
    await until(async () => (await fetch(`${proxyUrl}/api/healthz`).catch(() => null))?.ok === true, 10_000, "nginx");
  }, 120_000);

  afterAll(async () => {
    proxy?.kill("SIGTERM");
    for (const replica of replicas) await replica.kill("SIGKILL");
    arm?.close();
    await emulator?.stop();
    if (database !== undefined) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.kysely);
      await database.close();
    }
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const viaProxy = { url: "", localIssuer: null as { metadata: IssuerMetadata } | null };
  const call = (base: string, token: string, method: string, route: string, body?: object, headers: Record<string, string> = {}) =>
    fetch(`${base}${route}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const grantsIn = async (nsgId: string) => (await allowRules(arm, nsgId)).map((r) => parseAllowRuleDescription(r.description)?.grantId);
  const tokens: Record<string, string> = {};

  it("signs in through the proxy; My IP is the client's address as the trusted proxy saw it, never what the client claims", async () => {
    viaProxy.url = proxyUrl;
    viaProxy.localIssuer = { metadata: (await (await fetch(`${proxyUrl}/oidc/.well-known/openid-configuration`)).json()) as IssuerMetadata };
    for (const user of ["admin", "dev"]) tokens[user] = await signInAs(viaProxy, `${user}@contoso.test`);
    const mine = await call(proxyUrl, tokens.dev ?? "", "GET", "/api/requests/my-ip", undefined, { "x-forwarded-for": "198.51.100.66" });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual({ ip: "127.0.0.1" });
    // Both replicas answer through the proxy with the same token (round robin).
    const answers = await Promise.all([1, 2, 3, 4].map(() => call(proxyUrl, tokens.dev ?? "", "GET", "/api/me")));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    for (const replica of replicas) expect((await call(replica.url, tokens.dev ?? "", "GET", "/api/me")).status).toBe(200);
  });

  it("a grant opened through the proxy is revoked on the other replica; grants ending together are closed once each", async () => {
    const admin = tokens.admin ?? "";
    expect((await call(proxyUrl, admin, "PUT", "/api/policies", { vmIds: [demo.web02, demo.app01, demo.app03], ports: [sshPerRequest] })).status).toBe(200);
    const open = async (vmId: string, base = proxyUrl) => {
      const res = await call(base, admin, "POST", "/api/requests", { vmId, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as Grant;
    };
    const onA = await open(demo.web02, (replicas[0] as ChildBff).url);
    expect(await grantsIn(demo.nsgWeb02)).toEqual([onA.id]);
    const revoked = await call((replicas[1] as ChildBff).url, admin, "POST", `/api/grants/${onA.id}/revoke`, {});
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    expect(await grantsIn(demo.nsgWeb02)).toEqual([]);

    const ending = [await open(demo.app01), await open(demo.app03), await open(demo.web02)];
    await sql`update jit_grant set ends_at = now() - interval '1 second' where status = 'open'`.execute(database.kysely);
    await until(async () => (await database.kysely.selectFrom("jit_grant").select("id").where("status", "=", "closed").execute()).length === 4, 15_000, "the expiry of three grants");
    const expired = await database.kysely.selectFrom("audit_event").select(sql<string>`details->>'grantId'`.as("grantId")).where("action", "=", "request.expired").execute();
    expect(expired.map((e) => e.grantId).sort()).toEqual(ending.map((g) => g.id).sort());
    for (const nsg of [demo.nsgApp01, demo.nsgApp03, demo.nsgWeb02]) expect(await grantsIn(nsg)).toEqual([]);
  }, 60_000);

  it("killing one replica loses nothing: the proxy answers from the other, and its grants still close", async () => {
    const admin = tokens.admin ?? "";
    await (replicas[0] as ChildBff).kill("SIGKILL");
    const res = await call(proxyUrl, admin, "POST", "/api/requests", { vmId: demo.app01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(res.status, await res.clone().text()).toBe(201);
    const grant = (await res.json()) as Grant;
    for (let i = 0; i < 4; i++) expect((await call(proxyUrl, admin, "GET", `/api/grants/${grant.id}`)).status).toBe(200);
    await sql`update jit_grant set ends_at = now() - interval '1 second' where id = ${grant.id}`.execute(database.kysely);
    await until(async () => (await database.kysely.selectFrom("jit_grant").select("status").where("id", "=", grant.id).executeTakeFirstOrThrow()).status === "closed", 15_000, "the expiry on the replica left");
    expect(await grantsIn(demo.nsgApp01)).toEqual([]);
  }, 60_000);
});
