import { describe, expect, it } from "vitest";
import type { AuthConfigResponse } from "@portcullis/contract";
import { apiScopes, msalConfiguration } from "./msal-configuration.ts";

const local: AuthConfigResponse = {
  mode: "local",
  clientId: "portcullis-spa",
  authority: "https://localhost:8080/oidc",
  knownAuthorities: ["localhost:8080"],
  authorityMetadata: '{"issuer":"https://localhost:8080/oidc"}',
  protocolMode: "OIDC",
  apiScope: "api://portcullis/access_as_user",
};

const entra: AuthConfigResponse = {
  mode: "entra",
  clientId: "11111111-2222-3333-4444-555555555555",
  authority: "https://login.microsoftonline.com/7f3c9a52-4b1d-4e8f-9a6c-2d5e8b1f0a77",
  knownAuthorities: ["login.microsoftonline.com"],
  protocolMode: "AAD",
  apiScope: "api://portcullis/access_as_user",
};

describe("msalConfiguration", () => {
  it("puts protocolMode under system, where MSAL reads it, and not under auth", () => {
    const config = msalConfiguration(local, "http://localhost:8080");
    expect(config.system?.protocolMode).toBe("OIDC");
    expect(config.auth).not.toHaveProperty("protocolMode");
  });

  it("returns to the portal's root after sign-in and sign-out, and keeps tokens in sessionStorage", () => {
    const config = msalConfiguration(local, "http://localhost:8080");
    expect(config.auth.redirectUri).toBe("http://localhost:8080/");
    expect(config.auth.postLogoutRedirectUri).toBe("http://localhost:8080/");
    expect(config.cache?.cacheLocation).toBe("sessionStorage");
  });

  it("passes the local issuer's metadata so MSAL never fetches discovery from the https identifier", () => {
    const config = msalConfiguration(local, "http://localhost:8080");
    expect(config.auth).toMatchObject({
      clientId: "portcullis-spa",
      authority: "https://localhost:8080/oidc",
      knownAuthorities: ["localhost:8080"],
      authorityMetadata: local.authorityMetadata,
    });
  });

  it("leaves authorityMetadata out for Entra ID, which MSAL discovers itself", () => {
    const config = msalConfiguration(entra, "https://portcullis.contoso.com");
    expect(config.auth).not.toHaveProperty("authorityMetadata");
    expect(config.system?.protocolMode).toBe("AAD");
    expect(config.auth.redirectUri).toBe("https://portcullis.contoso.com/");
  });

  it("asks for the API scope", () => {
    expect(apiScopes(local)).toEqual(["api://portcullis/access_as_user"]);
  });
});
