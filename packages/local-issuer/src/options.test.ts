import { describe, expect, it } from "vitest";
import { validateOptions } from "./options.ts";
import type { LocalIssuerOptions } from "./types.ts";

const valid: LocalIssuerOptions = {
  issuer: "https://localhost:8080/oidc",
  publicBaseUrl: "http://localhost:8080/oidc/",
  dataDir: null,
  spaClient: { clientId: "spa", redirectUris: ["http://localhost:8080/"], postLogoutRedirectUris: [] },
  apiAudience: "api://portcullis",
  apiScope: "api://portcullis/access_as_user",
  serviceClients: [{ clientId: "bff", clientSecret: "0123456789abcdef", audiences: ["https://management.azure.com/"] }],
  tenantId: "tenant",
};

describe("issuer options", () => {
  it("derive the mount path and the default token lifetime", () => {
    expect(validateOptions(valid)).toEqual({ basePath: "/oidc", accessTokenTtlSeconds: 3600 });
  });

  it.each<[string, Partial<LocalIssuerOptions>, RegExp]>([
    ["an issuer with a query", { issuer: "https://localhost:8080/oidc?x=1" }, /issuer must not have a query/],
    ["a relative publicBaseUrl", { publicBaseUrl: "/oidc" }, /publicBaseUrl must be an absolute URL/],
    ["an API scope of another audience", { apiScope: "api://other/access_as_user" }, /apiScope/],
    ["no SPA redirect URI", { spaClient: { ...valid.spaClient, redirectUris: [] } }, /redirectUris/],
    ["a short service secret", { serviceClients: [{ clientId: "bff", clientSecret: "short", audiences: ["x"] }] }, /at least 16/],
    ["a service client reusing the SPA's id", { serviceClients: [{ clientId: "spa", clientSecret: "0123456789abcdef", audiences: ["x"] }] }, /used twice/],
    ["a fractional token lifetime", { accessTokenTtlSeconds: 1.5 }, /positive integer/],
  ])("refuse %s", (_case, override, message) => {
    expect(() => validateOptions({ ...valid, ...override })).toThrow(message);
  });
});
