import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIssuer, type RunningIssuer } from "./testing/issuer-server.ts";

let running: RunningIssuer;
beforeAll(async () => {
  running = await startIssuer();
});
afterAll(() => running.close());

describe("discovery", () => {
  it("names the https issuer identifier while every endpoint is the http address it is served at", async () => {
    const response = await fetch(`${running.baseUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    const { metadata } = running.issuer;
    expect(discovery.issuer).toBe(running.issuerId);
    expect(running.issuerId.startsWith("https://")).toBe(true);
    for (const name of ["authorization_endpoint", "token_endpoint", "end_session_endpoint", "jwks_uri"] as const) {
      expect(discovery[name]).toBe(metadata[name]);
      expect(metadata[name].startsWith(`${running.baseUrl}/`)).toBe(true);
    }
    expect(discovery.code_challenge_methods_supported).toEqual(["S256"]);
    expect(discovery).not.toHaveProperty("userinfo_endpoint");
    expect(discovery).not.toHaveProperty("registration_endpoint");
  });

  it("publishes only public key material", async () => {
    const response = await fetch(running.issuer.metadata.jwks_uri);
    const served = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(served.keys.length).toBeGreaterThan(0);
    for (const key of served.keys) {
      expect(key).toMatchObject({ kty: "RSA", use: "sig", kid: expect.any(String) });
      for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(secret);
    }
    const own = await running.issuer.jwks();
    expect(own.keys.map((key) => key.kid)).toEqual(served.keys.map((key) => key.kid));
    for (const key of own.keys) expect(key).not.toHaveProperty("d");
  });

  it("when the issuer is closed, then it answers 503 instead of serving stale state", async () => {
    const other = await startIssuer();
    await other.issuer.close();
    const response = await fetch(`${other.baseUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(503);
    await other.close();
  });
});
