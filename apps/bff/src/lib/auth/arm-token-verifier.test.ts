import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";
import { issuerSigningKey, signToken } from "../../test-support/tokens.ts";
import { localTenantId } from "../config-auth.ts";
import { createLocalArmTokenVerifier } from "./arm-token-verifier.ts";

describe("the BFF's Azure credential against the verifying emulator", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let impostor: InProcessBff;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    // Another BFF with its own issuer (other keys, other URL) that the emulator was never told to trust.
    impostor = await assembleTestBff(emulator, { bindArmTokens: false, armMaxRetries: 0 });
  });
  afterAll(async () => {
    await impostor?.close();
    await bff?.close();
    await emulator?.stop();
  });

  it("gets a token from the local issuer through MSAL, which the emulator accepts", async () => {
    const token = await bff.armCredential.getToken(`${emulator.url}/.default`);
    expect(token?.token.split(".")).toHaveLength(3);
    expect(await emulator.armTokens.verify(token?.token ?? "")).toBe(true);
    const auth = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    const res = await request(bff.app).post("/api/inventory/refresh").set("authorization", auth);
    expect(res.status).toBe(200);
  });

  it("surfaces ARM's 401 for a credential the emulator does not trust as a clear 503", async () => {
    const auth = `Bearer ${await signInAs(impostor, "admin@contoso.test")}`;
    emulator.control.resetCounters();
    const res = await request(impostor.app).get("/api/inventory/vms").query({ tab: "recommended" }).set("authorization", auth);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: "UpstreamUnavailable",
      message: `Azure Resource Manager at ${emulator.url} refused the BFF's credential (HTTP 401 InvalidAuthenticationToken: The access token is invalid: bad signature.)`,
      details: { upstream: "arm", status: 401, code: "InvalidAuthenticationToken" },
    });
    expect(emulator.control.counters().writes).toBe(0);
  });

  it("refuses every token until an issuer is bound, then checks issuer, audience and expiry", async () => {
    const verifier = createLocalArmTokenVerifier();
    const good = (await bff.armCredential.getToken(`${emulator.url}/.default`))?.token ?? "";
    expect(await verifier.verify(good)).toBe("The access token is invalid: the local issuer is not running yet.");
    const issuer = bff.localIssuer;
    if (issuer === null) throw new Error("local mode expected");
    verifier.bind(issuer, "https://localhost:1");
    expect(await verifier.verify(good)).toBe("The access token is invalid: wrong audience.");
    verifier.bind(issuer, `${emulator.url}/`);
    expect(await verifier.verify(good)).toBe(true);

    const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await signToken({ iss: issuer.issuer, aud: emulator.url, oid: "o", sub: "o", tid: localTenantId, iat: past, nbf: past, exp: past + 3600 }, key, { alg: "RS256", kid });
    expect(await verifier.verify(expired)).toBe("The access token is invalid: expired.");
    const otherIssuer = await signToken({ iss: "https://localhost:2/oidc", aud: emulator.url, oid: "o", tid: localTenantId, exp: past + 10_000 }, key, { alg: "RS256", kid });
    expect(await verifier.verify(otherIssuer)).toBe("The access token is invalid: wrong issuer.");
    expect(await verifier.verify("portcullis-local-emulator")).toBe("The access token is invalid: malformed.");
  });
});
