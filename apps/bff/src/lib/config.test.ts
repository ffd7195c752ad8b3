import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadLauncherConfig } from "./config.ts";

const emulator = { ARM_ENDPOINT: "https://localhost:8443" };
const tenant = "a1b2c3d4-0000-4000-8000-00000000000a";
const entra = {
  ENTRA_TENANT_ID: tenant,
  ENTRA_SPA_CLIENT_ID: "5e1a0000-0000-4000-8000-000000000001",
  ENTRA_API_CLIENT_ID: "5e1a0000-0000-4000-8000-000000000002",
};
const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-config-"));
    await writeFile(path.join(dir, "ca.pem"), pem);
    await writeFile(path.join(dir, "not-a-cert.txt"), "hello");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("applies the documented defaults for a local emulator endpoint", () => {
    const config = loadConfig(emulator);
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      dataDir: path.resolve("./data"),
      databaseUrl: undefined,
      logLevel: "info",
      armEndpoint: "https://localhost:8443",
      armCaCertPem: undefined,
      subscriptionIds: undefined,
      azureCredential: { kind: "local-emulator" },
      inventoryTtlSeconds: 300,
      trustProxy: [],
      publicUrl: "http://localhost:8080",
      auth: { mode: "local", tenantId: "7f3c9a52-4b1d-4e8f-9a6c-2d5e8b1f0a77" },
      rateLimits: { perUserPerMinute: 600, perIpPerMinute: 1200 },
      scheduler: { intervalMs: 1000, reconcileIntervalSeconds: 60, reconcileRepair: false },
    });
  });

  it.each([
    [{ PORT: "http" }, 'PORT: must be an integer from 0 to 65535 (got "http")'],
    [{ PORT: "70000" }, 'PORT: must be an integer from 0 to 65535 (got "70000")'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ ARM_ENDPOINT: "http://localhost:8443" }, "ARM_ENDPOINT: must be an https URL"],
    [{ DATABASE_URL: "mysql://db/x" }, "DATABASE_URL: must be a postgres:// or postgresql:// URL"],
    [{ AZURE_SUBSCRIPTION_IDS: "abc" }, "AZURE_SUBSCRIPTION_IDS: must be a comma-separated list of subscription GUIDs (bad: abc)"],
    [{ AZURE_USE_MANAGED_IDENTITY: "maybe" }, 'AZURE_USE_MANAGED_IDENTITY: must be true or false (got "maybe")'],
    [{ INVENTORY_TTL_SECONDS: "0" }, 'INVENTORY_TTL_SECONDS: must be an integer from 1 to 86400 (got "0")'],
    [{ TRUST_PROXY: "10.0.0.0/8,proxy.local" }, "TRUST_PROXY: must be a comma-separated list of IP addresses, CIDRs or loopback/linklocal/uniquelocal (bad: proxy.local)"],
    [{ TRUST_PROXY: "0.0.0.0/0" }, "TRUST_PROXY: 0.0.0.0/0 would trust every address, which lets any client choose its own IP"],
    [{ TRUST_PROXY: "0.0.0.0/1,128.0.0.0/1" }, "TRUST_PROXY: together the entries trust every IPv4 address, which lets any client choose its own IP"],
    [{ TRUST_PROXY: "::/1, 8000::/1, loopback" }, "TRUST_PROXY: together the entries trust 16,777,216 IPv4 addresses (as wide as a /8) and every IPv6 address, which lets any client choose its own IP"],
    [{ TRUST_PROXY: "128.0.0.0/1" }, "TRUST_PROXY: together the entries trust 1,609,300,735 IPv4 addresses (as wide as a /1) on the public Internet"],
    [{ TRUST_PROXY: "10.0.0.1/8" }, "TRUST_PROXY: \"10.0.0.1/8\" is not an IPv4 or IPv6 address or CIDR with its host bits clear (host bits set)"],
    [{ ARM_CA_CERT_FILE: "/nonexistent/ca.pem" }, "ARM_CA_CERT_FILE: cannot read /nonexistent/ca.pem"],
    [{ AZURE_CLIENT_SECRET: "s3cret" }, "AZURE_TENANT_ID, AZURE_CLIENT_ID: required when AZURE_CLIENT_SECRET is set"],
    [{ AZURE_USE_MANAGED_IDENTITY: "true", AZURE_CLIENT_SECRET: "s" }, "AZURE_USE_MANAGED_IDENTITY: cannot be combined with AZURE_CLIENT_SECRET"],
    [{ PUBLIC_URL: "localhost:8080" }, 'PUBLIC_URL: must be an http(s) origin without path, query or credentials (got "localhost:8080")'],
    [{ PUBLIC_URL: "https://jit.contoso.com/portal" }, "PUBLIC_URL: must be an http(s) origin without path"],
    [{ ENTRA_TENANT_ID: tenant }, "ENTRA_SPA_CLIENT_ID, ENTRA_API_CLIENT_ID: required for Entra ID sign-in (set because ENTRA_TENANT_ID is set)"],
    [{ ...entra, ENTRA_API_CLIENT_ID: "api" }, 'ENTRA_API_CLIENT_ID: must be a GUID such as 00000000-0000-0000-0000-000000000000 (got "api")'],
    [{ ...entra, ENTRA_ALLOWED_TENANT_IDS: `${tenant},contoso.com` }, "ENTRA_ALLOWED_TENANT_IDS: must be a comma-separated list of tenant GUIDs (bad: contoso.com)"],
    [{ ...entra, ENTRA_API_SCOPE: "access_as_user" }, "ENTRA_API_SCOPE: must look like api://<application id>/access_as_user"],
    [{ RATE_LIMIT_PER_USER_PER_MINUTE: "0" }, 'RATE_LIMIT_PER_USER_PER_MINUTE: must be an integer from 1 to 1000000 (got "0")'],
    [{ RATE_LIMIT_PER_IP_PER_MINUTE: "lots" }, 'RATE_LIMIT_PER_IP_PER_MINUTE: must be an integer from 1 to 1000000 (got "lots")'],
    [{ SCHEDULER_INTERVAL_MS: "10" }, 'SCHEDULER_INTERVAL_MS: must be an integer from 50 to 60000 (got "10")'],
    [{ RECONCILE_INTERVAL_SECONDS: "0" }, 'RECONCILE_INTERVAL_SECONDS: must be an integer from 1 to 86400 (got "0")'],
    [{ RECONCILE_REPAIR: "sometimes" }, 'RECONCILE_REPAIR: must be true or false (got "sometimes")'],
    [entra, "ARM_ENDPOINT: https://localhost:8443 is the local Azure emulator, which trusts only the local issuer"],
  ])("when %o is set, the error names the variable and the rule", (env, expected) => {
    const problems = problemsOf({ ...emulator, ...env });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it("reports every bad variable at once", () => {
    const problems = problemsOf({ PORT: "x", LOG_LEVEL: "y", INVENTORY_TTL_SECONDS: "-1", ARM_ENDPOINT: "ftp://x" });
    expect(problems.map((p) => p.split(":")[0])).toEqual(["PORT", "LOG_LEVEL", "ARM_ENDPOINT", "INVENTORY_TTL_SECONDS"]);
  });

  it("names the credential variables when real ARM has no credential", () => {
    const [problem] = problemsOf({});
    expect(problem).toContain("ARM_ENDPOINT: https://management.azure.com is not a local emulator and needs an Azure credential");
    expect(problem).toContain("AZURE_USE_MANAGED_IDENTITY=true");
  });

  it("never puts a secret in an error message", () => {
    const problems = problemsOf({ AZURE_CLIENT_SECRET: "do-not-print-me", DATABASE_URL: "mysql://u:pw-do-not-print@h/db" });
    expect(problems.join("\n")).not.toMatch(/do-not-print/);
  });

  it("builds a client-secret credential for real ARM", () => {
    const config = loadConfig({ ...entra, AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" });
    expect(config.azureCredential).toEqual({
      kind: "client-secret",
      tenantId: "t",
      clientId: "c",
      clientSecret: "s",
      authorityHost: "https://login.microsoftonline.com",
    });
  });

  it("refuses local sign-in (demo users with a published password) against real Azure", () => {
    const [problem] = problemsOf({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" });
    expect(problem).toBe(
      "ENTRA_TENANT_ID, ENTRA_SPA_CLIENT_ID, ENTRA_API_CLIENT_ID: required when Portcullis talks to real Azure " +
        "(ARM_ENDPOINT https://management.azure.com with an Azure credential): local sign-in has demo users with a published password",
    );
  });

  it.each([
    ["local sign-in (demo users, published password), HOST unset", "127.0.0.1", emulator],
    ["local sign-in, HOST set", "0.0.0.0", { ...emulator, HOST: "0.0.0.0" }],
    ["Entra ID sign-in, HOST unset", "0.0.0.0", { ...entra, AZURE_USE_MANAGED_IDENTITY: "true" }],
    ["Entra ID sign-in, HOST set", "10.0.0.4", { ...entra, AZURE_USE_MANAGED_IDENTITY: "true", HOST: "10.0.0.4" }],
  ])("When %s, then the BFF listens on %s", (_when, host, env) => {
    expect(loadConfig(env).host).toBe(host);
  });

  it("configures Entra ID sign-in with the documented defaults", () => {
    const config = loadConfig({ ...entra, AZURE_USE_MANAGED_IDENTITY: "true" });
    expect(config.auth).toEqual({
      mode: "entra",
      tenantId: tenant,
      spaClientId: entra.ENTRA_SPA_CLIENT_ID,
      apiClientId: entra.ENTRA_API_CLIENT_ID,
      apiScope: `api://${entra.ENTRA_API_CLIENT_ID}/access_as_user`,
      allowedTenantIds: [tenant],
      authorityHost: "https://login.microsoftonline.com",
      jwksUrl: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
      jwksCooldownMs: 30_000,
    });
  });

  it("takes the allowed tenants, the API scope, the authority host and the public URL as given", () => {
    const config = loadConfig({
      ...entra,
      AZURE_USE_MANAGED_IDENTITY: "true",
      ENTRA_API_SCOPE: "api://portcullis.contoso.com/access_as_user",
      ENTRA_ALLOWED_TENANT_IDS: ` ${tenant.toUpperCase()} , a1b2c3d4-0000-4000-8000-00000000000b`,
      AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us",
      PUBLIC_URL: "https://jit.contoso.com/",
    });
    expect(config.auth).toMatchObject({
      apiScope: "api://portcullis.contoso.com/access_as_user",
      allowedTenantIds: [tenant, "a1b2c3d4-0000-4000-8000-00000000000b"],
      jwksUrl: `https://login.microsoftonline.us/${tenant}/discovery/v2.0/keys`,
    });
    expect(config.publicUrl).toBe("https://jit.contoso.com");
  });

  it("leaves the public URL to the listening port when PORT is 0", () => {
    expect(loadConfig({ ...emulator, PORT: "0" }).publicUrl).toBeUndefined();
    expect(loadConfig({ ...emulator, PORT: "9000" }).publicUrl).toBe("http://localhost:9000");
  });

  it("uses a user-assigned managed identity when a client id is given", () => {
    const config = loadConfig({ ...entra, AZURE_USE_MANAGED_IDENTITY: "TRUE", AZURE_CLIENT_ID: "mi" });
    expect(config.azureCredential).toEqual({ kind: "managed-identity", clientId: "mi" });
  });

  it("parses lists, numbers and paths", () => {
    const config = loadConfig({
      ...emulator,
      PORT: "0",
      DATA_DIR: "rel/data",
      AZURE_SUBSCRIPTION_IDS: " 00000000-0000-0000-0000-00000000000A , 00000000-0000-0000-0000-00000000000b",
      TRUST_PROXY: "loopback, 10.0.0.0/8 ,::1",
      INVENTORY_TTL_SECONDS: "60",
      ARM_ENDPOINT: "https://localhost:8443/",
    });
    expect(config.port).toBe(0);
    expect(config.dataDir).toBe(path.resolve("rel/data"));
    expect(config.subscriptionIds).toEqual(["00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"]);
    expect(config.trustProxy).toEqual(["loopback", "10.0.0.0/8", "::1"]);
    expect(config.inventoryTtlSeconds).toBe(60);
    expect(config.armEndpoint).toBe("https://localhost:8443");
  });

  it("trusts the CA from ARM_CA_CERT_FILE and one passed in memory", () => {
    const fromFile = loadConfig({ ...emulator, ARM_CA_CERT_FILE: path.join(dir, "ca.pem") });
    expect(fromFile.armCaCertPem).toBe(pem);
    const both = loadConfig({ ...emulator, ARM_CA_CERT_FILE: path.join(dir, "ca.pem") }, { armCaCertPem: "PEM2" });
    expect(both.armCaCertPem).toBe(`${pem}\nPEM2`);
  });

  it("refuses a CA file that holds no certificate", () => {
    expect(problemsOf({ ...emulator, ARM_CA_CERT_FILE: path.join(dir, "not-a-cert.txt") })[0]).toMatch(
      /^ARM_CA_CERT_FILE: .*not-a-cert\.txt must hold a PEM certificate/,
    );
  });
});

describe("loadLauncherConfig (npm start and the doctor, parsed by the BFF's rules)", () => {
  const launcherProblems = (env: Record<string, string | undefined>): string[] => {
    try {
      loadLauncherConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it("applies the defaults and starts the emulator when no Azure is configured", () => {
    expect(loadLauncherConfig({})).toEqual({ dataDir: path.resolve("./data"), logLevel: "info", azureConfigured: false, emulatorPort: 0, emulatorArmActions: undefined });
  });

  it("reads the emulator's port and its identity's actions, and counts any Azure setting as configured", () => {
    const config = loadLauncherConfig({ EMULATOR_PORT: "8553", EMULATOR_ARM_ACTIONS: " Microsoft.Network/*/read, ,Microsoft.Compute/virtualMachines/read ", LOG_LEVEL: "WARN", AZURE_CLIENT_ID: "x" });
    expect(config).toMatchObject({ emulatorPort: 8553, emulatorArmActions: ["Microsoft.Network/*/read", "Microsoft.Compute/virtualMachines/read"], logLevel: "warn", azureConfigured: true });
  });

  it.each([
    [{ EMULATOR_PORT: "http" }, 'EMULATOR_PORT: must be an integer from 0 to 65535 (got "http")'],
    [{ EMULATOR_PORT: "65536" }, 'EMULATOR_PORT: must be an integer from 0 to 65535 (got "65536")'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
  ])("when %o is set, the error names the variable and the rule (as the BFF's would)", (env, expected) => {
    expect(launcherProblems(env)).toEqual([expected]);
  });
});

describe("loadConfig's messages", () => {
  const only = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ ARM_ENDPOINT: "https://localhost:8443", ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it("say each problem once, quote a number as it was typed, and never repeat a password given in PUBLIC_URL", () => {
    expect(only({ METRICS_TOKEN: "short token" })).toEqual(["METRICS_TOKEN: must be at least 24 printable characters without spaces (a scraper sends it as Authorization: Bearer <token>)"]);
    expect(only({ PORT: "100000000000000000000" })).toEqual(['PORT: must be an integer from 0 to 65535 (got "100000000000000000000")']);
    const [problem] = only({ PUBLIC_URL: "https://admin:hunter2-secret@jit.example.com" });
    expect(problem).toContain("PUBLIC_URL: must be an http(s) origin without path, query or credentials");
    expect(problem).not.toContain("hunter2");
  });

  it("leave the launcher's variables to the launcher", () => {
    expect(only({ EMULATOR_PORT: "not a port" })).toEqual([]);
  });
});
