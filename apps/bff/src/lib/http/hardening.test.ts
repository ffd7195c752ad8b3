import { Writable } from "node:stream";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";
import { createLogger } from "../logger.ts";
import { redactUrl } from "./request-logger.ts";

const perUser = 3;
const perIp = 5;

describe("web hardening", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const logLines: string[] = [];
  let auditor: string;
  let approver: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    bff = await assembleTestBff(emulator, {
      // The loopback proxy is trusted, so X-Forwarded-For gives each test its own client address.
      env: { TRUST_PROXY: "loopback", RATE_LIMIT_PER_USER_PER_MINUTE: String(perUser), RATE_LIMIT_PER_IP_PER_MINUTE: String(perIp) },
      logger: createLogger("trace", sink),
    });
    auditor = await signInAs(bff, "auditor@contoso.test");
    approver = await signInAs(bff, "approver@contoso.test");
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("sends a Content-Security-Policy that allows only what the SPA needs, and no upgrade-insecure-requests", async () => {
    const res = await request(bff.app).get("/api/healthz");
    expect(res.headers["content-security-policy"]).toBe(
      "default-src 'self';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;connect-src 'self';frame-src 'self';" +
        "frame-ancestors 'none';form-action 'self';object-src 'none';base-uri 'self'",
    );
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it.each([
    ["GET", "/api/auth/config"],
    ["OPTIONS", "/api/me"],
  ])("sends no CORS headers to another origin (%s %s)", async (method, url) => {
    const res = await request(bff.app)[method === "GET" ? "get" : "options"](url)
      .set("origin", "https://evil.example")
      .set("access-control-request-method", "GET");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("limits requests per user, with a 429 error body, while other users go on", async () => {
    const asAuditor = (ip: string) => request(bff.app).get("/api/me").set("x-forwarded-for", ip).set("authorization", `Bearer ${auditor}`);
    // Each request from its own address, so only the per-user limit applies.
    for (let i = 0; i < perUser; i++) expect((await asAuditor(`198.51.100.${i + 1}`)).status).toBe(200);
    const limited = await asAuditor("198.51.100.50");
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: "TooManyRequests", message: `Too many requests by this user: at most ${perUser} per minute; try again shortly` } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    const other = await request(bff.app).get("/api/me").set("x-forwarded-for", "198.51.100.51").set("authorization", `Bearer ${approver}`);
    expect(other.status).toBe(200);
  });

  it("limits requests per address before authentication, and never the health probes", async () => {
    const from = (ip: string, url: string) => request(bff.app).get(url).set("x-forwarded-for", ip);
    for (let i = 0; i < perIp; i++) expect((await from("203.0.113.7", "/api/auth/config")).status).toBe(200);
    const limited = await from("203.0.113.7", "/api/me");
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toBe(`Too many requests from this address: at most ${perIp} per minute; try again shortly`);
    expect((await from("203.0.113.7", "/api/healthz")).status).toBe(200);
    expect((await from("203.0.113.8", "/api/auth/config")).status).toBe(200);
  });

  it("writes no bearer token and no ID token to the log", async () => {
    logLines.length = 0;
    const res = await request(bff.app).get("/api/inventory/vms?tab=none").set("x-forwarded-for", "192.0.2.1").set("authorization", `Bearer ${approver}`);
    expect(res.status).toBe(200);
    await fetch(`${bff.url}/oidc/oauth2/v2.0/logout?id_token_hint=${approver}&post_logout_redirect_uri=${encodeURIComponent(`${bff.url}/`)}`);
    const bad = await request(bff.app).get("/api/me").set("x-forwarded-for", "192.0.2.2").set("authorization", `Bearer ${approver}x`);
    expect(bad.status).toBe(401);
    const log = logLines.join("");
    expect(log).toContain("/api/inventory/vms?tab=none");
    expect(log).toContain("id_token_hint=[redacted]");
    const [, payload = "", signature = ""] = approver.split(".");
    for (const part of [approver, payload, signature]) expect(log).not.toContain(part);
  });
});

describe("redactUrl", () => {
  it.each([
    ["/api/inventory/vms?tab=none&q=web", "/api/inventory/vms?tab=none&q=web"],
    ["/oidc/logout?id_token_hint=eyJ.a.b&state=1", "/oidc/logout?id_token_hint=[redacted]&state=1"],
    ["/?code=abc&client_secret=s&access_token=t", "/?code=[redacted]&client_secret=[redacted]&access_token=[redacted]"],
    ["/x?%63ode=abc", "/x?%63ode=[redacted]"],
    ["/plain", "/plain"],
  ])("%s is logged as %s", (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
