import { describe, expect, it } from "vitest";
import { describeConfig } from "../lib/config-description.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";

const emulator = { ARM_ENDPOINT: "https://localhost:8443" };
const entra = { ENTRA_TENANT_ID: "11111111-1111-1111-1111-111111111111", ENTRA_SPA_CLIENT_ID: "22222222-2222-2222-2222-222222222222", ENTRA_API_CLIENT_ID: "33333333-3333-3333-3333-333333333333" };
const azure = { ARM_ENDPOINT: "https://management.azure.com", AZURE_TENANT_ID: entra.ENTRA_TENANT_ID, AZURE_CLIENT_ID: "44444444-4444-4444-4444-444444444444", AZURE_CLIENT_SECRET: "s" };

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("notification settings", () => {
  it("without SMTP_URL there is no e-mail; http to localhost is allowed in local mode and not in Entra mode unless set", () => {
    expect(loadConfig(emulator).notifications).toEqual({ smtpUrl: undefined, smtpFrom: undefined, allowHttpLocalhost: true, allowedHosts: [] });
    expect(loadConfig({ ...azure, ...entra }).notifications.allowHttpLocalhost).toBe(false);
    expect(loadConfig({ ...azure, ...entra, NOTIFY_ALLOW_HTTP_LOCALHOST: "true" }).notifications.allowHttpLocalhost).toBe(true);
    expect(loadConfig({ ...emulator, NOTIFY_ALLOW_HTTP_LOCALHOST: "off" }).notifications.allowHttpLocalhost).toBe(false);
  });

  it("NOTIFY_ALLOWED_HOSTS lists hosts as URLs spell them (lower case, punycode, no trailing dot, IPv6 in brackets), and the start-up description shows them", () => {
    const config = loadConfig({ ...emulator, NOTIFY_ALLOWED_HOSTS: " Hooks.Internal.Example. , 10.0.0.5,[FD00::1], bücher.example,hooks.internal.example" });
    expect(config.notifications.allowedHosts).toEqual(["hooks.internal.example", "10.0.0.5", "[fd00::1]", "xn--bcher-kva.example"]);
    expect(describeConfig(config)).toMatchObject({ notifications: { allowedHosts: ["hooks.internal.example", "10.0.0.5", "[fd00::1]", "xn--bcher-kva.example"] } });
  });

  it("reads SMTP_URL and SMTP_FROM, and the start-up description shows the server but never the password", () => {
    const config = loadConfig({ ...emulator, SMTP_URL: "smtp://notify:Sup3r-secret@mail.contoso.test:587", SMTP_FROM: "Portcullis <jit@contoso.test>" });
    expect(config.notifications).toEqual({ smtpUrl: "smtp://notify:Sup3r-secret@mail.contoso.test:587", smtpFrom: "Portcullis <jit@contoso.test>", allowHttpLocalhost: true, allowedHosts: [] });
    const described = JSON.stringify(describeConfig(config));
    expect(described).toContain('"smtp":"smtp://mail.contoso.test:587"');
    expect(described).not.toContain("Sup3r-secret");
    expect(described).not.toContain("notify:");
  });

  it.each([
    [{ SMTP_URL: "https://mail.contoso.test" }, "SMTP_URL: must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587"],
    [{ SMTP_URL: "smtp://u:pw@mail.contoso.test" }, "SMTP_FROM: required when SMTP_URL is set (the sender of notification e-mails)"],
    [{ SMTP_URL: "smtp://mail.contoso.test", SMTP_FROM: "not an address" }, "SMTP_FROM: must be an e-mail address, or a name and an address such as Portcullis <jit@example.com>"],
    [{ NOTIFY_ALLOW_HTTP_LOCALHOST: "maybe" }, 'NOTIFY_ALLOW_HTTP_LOCALHOST: must be true or false (got "maybe")'],
  ])("%j is refused at start-up naming the variable", (env, problem) => {
    const problems = problemsOf(() => loadConfig({ ...emulator, ...env }));
    expect(problems).toEqual([problem]);
    expect(problems.join("")).not.toContain("pw@");
  });

  it.each(["https://hooks.internal.example", "hooks.internal.example:8443", "hooks.internal.example:443", "hooks.internal.example/x", "*.internal.example", "user@hooks.internal.example", "fd00::1"])(
    "NOTIFY_ALLOWED_HOSTS with %j is refused at start-up: host names only",
    (entry) => {
      expect(problemsOf(() => loadConfig({ ...emulator, NOTIFY_ALLOWED_HOSTS: `ok.example, ${entry}` }))).toEqual([
        `NOTIFY_ALLOWED_HOSTS: must be a comma-separated list of host names or IP addresses, without scheme, port, path or wildcard (bad: ${entry})`,
      ]);
    },
  );
});
