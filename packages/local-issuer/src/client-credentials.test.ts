import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servicePrincipalId } from "./token-claims.ts";
import { ARM_AUDIENCE, BFF_CLIENT, TENANT_ID, clientCredentials, startIssuer, tokenRequest, type RunningIssuer } from "./testing/issuer-server.ts";

let running: RunningIssuer;
beforeAll(async () => {
  running = await startIssuer({
    serviceClients: [BFF_CLIENT, { clientId: "other-app", clientSecret: "other-app-secret-0123456789", audiences: ["api://other"] }],
    accessTokenTtlSeconds: 600,
  });
});
afterAll(() => running.close());

describe("client credentials", () => {
  it.each([
    ["https://management.azure.com/.default"],
    ["https://management.azure.com//.default"],
  ])("when the BFF asks for %s, then it gets an app token for the ARM audience", async (scope) => {
    const { status, body } = await clientCredentials(running, { scope });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 600 });
    expect(body).not.toHaveProperty("refresh_token");
    const jwks = createRemoteJWKSet(new URL(running.issuer.metadata.jwks_uri));
    const { payload } = await jwtVerify(String(body.access_token), jwks, { issuer: running.issuerId, audience: ARM_AUDIENCE, algorithms: ["RS256"] });
    const principal = servicePrincipalId(BFF_CLIENT.clientId);
    expect(payload).toMatchObject({ sub: principal, oid: principal, azp: BFF_CLIENT.clientId, tid: TENANT_ID, idtyp: "app", ver: "2.0" });
    expect(payload).not.toHaveProperty("scp");
    expect(payload).not.toHaveProperty("preferred_username");
  });

  it("gives each service client its own fixed principal id", () => {
    expect(servicePrincipalId(BFF_CLIENT.clientId)).toBe(servicePrincipalId(BFF_CLIENT.clientId));
    expect(servicePrincipalId(BFF_CLIENT.clientId)).not.toBe(servicePrincipalId("other-app"));
    expect(servicePrincipalId("other-app")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([
    ["an unknown client", { client_id: "stranger", client_secret: "whatever-secret-0123456789" }, 401, "invalid_client"],
    ["a wrong secret", { client_secret: "wrong-secret-0123456789" }, 401, "invalid_client"],
    ["no secret", { client_secret: "" }, 401, "invalid_client"],
    ["an audience the client may not use", { scope: "api://other/.default" }, 400, "invalid_scope"],
    ["no .default scope", { scope: "https://management.azure.com/user_impersonation" }, 400, "invalid_scope"],
    ["no scope at all", { scope: "" }, 400, "invalid_scope"],
  ])("when the request has %s, then it is refused", async (_case, fields, status, error) => {
    const response = await clientCredentials(running, fields);
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
    expect(response.body).not.toHaveProperty("access_token");
  });

  it("when the public SPA client asks for client credentials, then it is refused", async () => {
    const response = await tokenRequest(running, { grant_type: "client_credentials", client_id: "portcullis-spa", scope: "https://management.azure.com/.default" });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: "invalid_request", error_description: "requested grant type is not allowed for this client" });
  });
});
