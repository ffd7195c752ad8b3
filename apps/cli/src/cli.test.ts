import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { ActivityEventSchema, AuthConfigResponseSchema, GrantSchema, MeResponseSchema, type ApprovalSettings, type Grant, type PolicyPort } from "@portcullis/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowRules, assembleTestBff, demo, enablePolicy, signInAs, sshPerRequest, startTestEmulator, type InProcessBff, type TestEmulator } from "@portcullis/bff/testing";
import { ExitCode } from "./errors.ts";
import { completeBrowserLogin, completeDeviceLogin, runCli, startCli, tempConfigDir, until } from "./testing.ts";

describe("portcullis against the BFF, the local issuer and the emulator", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    env = { PATH: process.env["PATH"], HOME: process.env["HOME"], PORTCULLIS_CONFIG_DIR: await tempConfigDir(), PORTCULLIS_POLL_MS: "100" };
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("logs in with the device code (completed in a browser by the user), keeps the tokens 0600, and says who is signed in", async () => {
    const login = startCli(["login", "--url", bff.url, "--device-code"], env);
    const prompt = await until(() => (/enter the code/.test(login.stderrSoFar()) ? login.stderrSoFar() : undefined), "the device code");
    await completeDeviceLogin(prompt, "dev@contoso.test");
    const done = await login.done;
    expect(done, done.stderr).toMatchObject({ code: 0, stdout: `Signed in to ${bff.url} as dev@contoso.test\n` });
    const cache = await stat(path.join(env["PORTCULLIS_CONFIG_DIR"] ?? "", "token-cache.json"));
    expect(cache.mode & 0o777).toBe(0o600);

    const whoami = await runCli(["whoami", "--json"], env);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(MeResponseSchema.parse(JSON.parse(whoami.stdout))).toMatchObject({ user: { username: "dev@contoso.test" }, anyScopePermissions: expect.arrayContaining(["jit.request.create"]) });
  }, 60_000);

  it("logs in through the browser (auth code + PKCE to a loopback listener on any port) when --device-code is not given", async () => {
    const opened: string[] = [];
    const configDir = await tempConfigDir();
    const login = startCli(["login", "--url", bff.url], { ...env, PORTCULLIS_CONFIG_DIR: configDir }, {
      openBrowser: async (url) => {
        opened.push(url);
        await completeBrowserLogin(url, "approver@contoso.test");
      },
    });
    const done = await login.done;
    expect(done, done.stderr).toMatchObject({ code: 0, stdout: `Signed in to ${bff.url} as approver@contoso.test\n` });
    expect(new URL(opened[0] ?? "").searchParams.get("redirect_uri")).toMatch(/^http:\/\/localhost:\d+/);
    const approvals = await runCli(["approvals", "--json"], { ...env, PORTCULLIS_CONFIG_DIR: configDir });
    expect(approvals.code, approvals.stderr).toBe(0);
    expect(JSON.parse(approvals.stdout)).toEqual([]);
    expect(await runCli(["logout"], { ...env, PORTCULLIS_CONFIG_DIR: configDir })).toMatchObject({ code: 0, stdout: "Signed out\n" });
    expect((await runCli(["whoami"], { ...env, PORTCULLIS_CONFIG_DIR: configDir })).code).toBe(ExitCode.notSignedIn);
  });

  it("request opens the Allow rule in the emulator's NSG, --json prints the contract's grant, and revoke removes the rule", async () => {
    const opened = await runCli(["request", "vm-prod-web-01", "--port", "22", "--for", "1h", "--reason", "deploy fix", "--json"], env);
    expect(opened.code, opened.stderr).toBe(ExitCode.ok);
    const grant = GrantSchema.parse(JSON.parse(opened.stdout));
    expect(grant).toMatchObject({ vmName: "vm-prod-web-01", status: "open", ports: [{ port: 22, protocol: "TCP" }], sourcePrefixes: ["127.0.0.1/32"], justification: "deploy fix" });
    const [rule] = await allowRules(bff.arm, demo.nsgWeb01);
    expect(rule).toMatchObject({ access: "Allow", sourceAddressPrefixes: ["127.0.0.1"], destinationPortRanges: ["22"] });
    expect(rule?.description).toContain(grant.id);

    const listed = await runCli(["grants", "--json"], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: grant.id, status: "open" })]);

    const revoked = await runCli(["revoke", grant.id], env);
    expect(revoked, revoked.stderr).toMatchObject({ code: 0, stdout: `Revoked grant ${grant.id} on vm-prod-web-01 (closed)\n` });
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
  });

  it("request --wait on a policy that needs approval says it is waiting and returns, opened, when the approver approves", async () => {
    const context = { actor: { oid: "test", name: "test", ip: null }, correlationId: null };
    const approval: ApprovalSettings = { requiredApprovals: 1, approvers: { roleHolders: true, users: [], groups: [] }, allowSelfApproval: false, maxWait: "PT1H", clockStartsAt: "approval" };
    await bff.policies.put([{ vmId: demo.web02, ports: [sshPerRequest], approval }], { kind: "put", context });
    const asking = startCli(["request", "vm-prod-web-02", "--port", "22", "--for", "30m", "--reason", "hotfix", "--wait", "--json"], env);
    await until(() => (/Waiting for 1 more approval/.test(asking.stderrSoFar()) ? true : undefined), "the waiting message");
    const approver = `Bearer ${await signInAs(bff, "approver@contoso.test")}`;
    const pending = await request(bff.app).get("/api/access-requests?scope=approvals&status=pending").set("authorization", approver);
    const [waiting] = pending.body.items as Array<{ id: string; vmName: string }>;
    expect(waiting?.vmName).toBe("vm-prod-web-02");
    expect((await request(bff.app).post(`/api/access-requests/${waiting?.id}/approve`).set("authorization", approver).send({})).status).toBe(200);

    const done = await asking.done;
    expect(done.code, done.stderr).toBe(ExitCode.ok);
    const grant = GrantSchema.parse(JSON.parse(done.stdout));
    expect(grant).toMatchObject({ vmName: "vm-prod-web-02", status: "open", requestId: waiting?.id });
    expect(await allowRules(bff.arm, demo.nsgWeb02)).toEqual([expect.objectContaining({ destinationPortRanges: ["22"], sourceAddressPrefixes: ["127.0.0.1"] })]);
    expect((await runCli(["revoke", grant.id], env)).code).toBe(0);
  });

  it("request --wait exits 5 with the approver's reason when the request is denied", async () => {
    const asking = startCli(["request", "vm-prod-web-02", "--port", "22", "--for", "30m", "--wait"], env);
    await until(() => (/Waiting for 1 more approval/.test(asking.stderrSoFar()) ? true : undefined), "the waiting message");
    const approver = `Bearer ${await signInAs(bff, "approver@contoso.test")}`;
    const pending = await request(bff.app).get("/api/access-requests?scope=approvals&status=pending").set("authorization", approver);
    const id = (pending.body.items as Array<{ id: string }>)[0]?.id;
    const denied = startCli(["deny", id ?? "", "--comment", "use staging"], env);
    expect((await denied.done).code).toBe(ExitCode.refused);
    expect((await request(bff.app).post(`/api/access-requests/${id}/deny`).set("authorization", approver).send({ comment: "use staging" })).status).toBe(200);
    const done = await asking.done;
    expect(done.code).toBe(ExitCode.denied);
    expect(done.stderr.trimEnd().split("\n").at(-1)).toBe("portcullis: Denied by Avery Approver: use staging");
    expect(await allowRules(bff.arm, demo.nsgWeb02)).toEqual([]);
  });

  it("ssh opens port 22 for this machine, then runs the system ssh to the VM's address with the user and the extra arguments", async () => {
    const bin = await mkdtemp(path.join(tmpdir(), "portcullis-fake-ssh-"));
    const record = path.join(bin, "record.txt");
    await writeFile(path.join(bin, "ssh"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}"\n`, { mode: 0o755 });
    const run = await runCli(["ssh", "vm-prod-web-01", "--for", "30m", "--reason", "logs", "--", "-L", "8080:localhost:80", "uptime"], { ...env, PATH: `${bin}:${env["PATH"] ?? ""}` });
    expect(run.code, run.stderr).toBe(0);
    const [rule] = await allowRules(bff.arm, demo.nsgWeb01);
    const address = rule?.destinationAddressPrefixes[0];
    expect(rule).toMatchObject({ sourceAddressPrefixes: ["127.0.0.1"], destinationPortRanges: ["22"] });
    expect((await readFile(record, "utf8")).split("\n").filter(Boolean)).toEqual(["-p", "22", `azureadmin@${address}`, "-L", "8080:localhost:80", "uptime"]);

    // A second ssh reuses the open grant: no new request, no NSG write.
    emulator.control.resetCounters();
    const again = await runCli(["ssh", "vm-prod-web-01"], { ...env, PATH: `${bin}:${env["PATH"] ?? ""}` });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Using grant /);
    expect(emulator.control.counters().writes).toBe(0);
    const grants = JSON.parse((await runCli(["grants", "--json"], env)).stdout) as Array<{ id: string }>;
    for (const grant of grants) await runCli(["revoke", grant.id], env);
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
  });

  it("rdp opens 3389 and writes an .rdp file to the VM's address; extend lengthens the grant; activity streams the events as table, CSV and JSON lines", async () => {
    const rdpPort: PolicyPort = { port: 3389, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
    await enablePolicy(bff, [demo.web01], [sshPerRequest, rdpPort]);
    const cwd = await mkdtemp(path.join(tmpdir(), "portcullis-rdp-"));
    const rdp = await runCli(["rdp", "vm-prod-web-01", "--for", "1h", "--reason", "patch", "--no-open", "--json"], { ...env, PORTCULLIS_TEST_CWD: cwd });
    expect(rdp.code, rdp.stderr).toBe(0);
    const { grant, rdpFile } = JSON.parse(rdp.stdout) as { grant: Grant; rdpFile: string };
    expect(rdpFile).toBe(path.join(cwd, "vm-prod-web-01.rdp"));
    const [rule] = await allowRules(bff.arm, demo.nsgWeb01);
    expect(rule).toMatchObject({ destinationPortRanges: ["3389"] });
    expect(await readFile(rdpFile, "utf8")).toBe(`full address:s:${rule?.destinationAddressPrefixes[0]}:3389\r\nusername:s:azureadmin\r\nprompt for credentials:i:1\r\n`);

    const extended = await runCli(["extend", grant.id, "--by", "30m", "--json"], env);
    expect(extended.code, extended.stderr).toBe(0);
    expect(Date.parse(GrantSchema.parse(JSON.parse(extended.stdout)).endsAt) - Date.parse(grant.endsAt)).toBe(30 * 60_000);
    expect((await runCli(["revoke", grant.id], env)).code).toBe(0);

    const jsonl = await runCli(["activity", "--since", "1h", "--vm", "vm-prod-web-01", "--format", "jsonl"], env);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const events = jsonl.stdout.trim().split("\n").map((line) => ActivityEventSchema.parse(JSON.parse(line)));
    expect(events.filter((e) => e.details["grantId"] === grant.id).map((e) => e.action)).toEqual(expect.arrayContaining(["request.opened", "request.extended", "request.revoked"]));
    expect(new Set(events.map((e) => e.vmName))).toEqual(new Set(["vm-prod-web-01"]));
    const csv = await runCli(["activity", "--since", "1h", "--vm", "vm-prod-web-01", "--format", "csv"], env);
    expect(csv.stdout.split("\n")[0]).toMatch(/^time,seq,id,action,outcome,/);
    expect(csv.stdout.trim().split("\n")).toHaveLength(events.length + 1);
    const table = await runCli(["activity", "--since", "1h", "--vm", "vm-prod-web-01"], env);
    const rows = table.stdout.trim().split("\n");
    expect(rows[0]).toBe("TIME\tACTION\tOUTCOME\tACTOR\tVM\tDETAILS");
    expect(rows.slice(1).some((row) => row.split("\t")[1] === "request.extended" && row.split("\t")[3] === "Dana Developer")).toBe(true);

    const vms = await runCli(["vms", "--tab", "configured"], env);
    expect(vms.stdout.split("\n")[0]).toBe("NAME\tRESOURCE GROUP\tSUBSCRIPTION\tOS\tPRIVATE IP\tREASON");
    expect(vms.stdout).toContain("vm-prod-web-01\trg-web-prod");
  });

  it.each([
    [["request", "vm-nope-99", "--port", "22"], ExitCode.notFound, 'portcullis: No VM named "vm-nope-99" that you may see: check the name with `portcullis vms --tab configured`'],
    [["request", "vm-prod-web-01", "--port", "22", "--for", "5h"], ExitCode.refused, "portcullis: --for: must be at most 180 minutes (the max request time of port 22)"],
    [["request", "vm-prod-web-01", "--port", "22", "--for", "soon"], ExitCode.usage, 'portcullis: --for: must be a duration such as 30m, 1h or 1h30m (got "soon")'],
    [["request", "vm-prod-web-01", "--port", "22", "--source", "10.0.0.0/8"], ExitCode.refused, /^portcullis: --source: together these sources open port 22 to 16,777,216 IPv4 addresses .* at most a \/24/],
    [["revoke", "not-an-id"], ExitCode.usage, 'portcullis: grant id: must be the id `portcullis grants` shows (a UUID; got "not-an-id")'],
  ] as const)("bad input %j: one line naming what to change, exit %i, no stack trace", async (args, code, message) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(code);
    // Progress lines may come first; the error is the last line, and nothing looks like a stack trace.
    const last = run.stderr.trimEnd().split("\n").at(-1) ?? "";
    if (typeof message === "string") expect(last).toBe(message);
    else expect(last).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe("");
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
  });

  it("request --reason is held to the VM's justification rule: a text that does not match is refused in one line naming --reason and the hint, exit 4, nothing opened", async () => {
    const context = { actor: { oid: "test", name: "test", ip: null }, correlationId: null };
    const justificationRule = { minLength: 0, pattern: "^(INC|CHG)\\d{6}", hint: "Enter the incident or change number, like INC123456" };
    await bff.policies.put([{ vmId: demo.web03, ports: [sshPerRequest], justificationRequired: true, justificationRule }], { kind: "put", context });
    const run = await runCli(["request", "vm-prod-web-03", "--port", "22", "--for", "30m", "--reason", "fix the deploy"], env);
    expect(run.code).toBe(ExitCode.refused);
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe("portcullis: --reason: Enter the incident or change number, like INC123456 (must match the pattern ^(INC|CHG)\\d{6})");
    expect(await bff.database.kysely.selectFrom("jit_grant").select("id").where("vm_id", "=", demo.web03.toLowerCase()).execute()).toEqual([]);
  });

  it("refuses a server that is not Portcullis, and a missing login, in one line each", async () => {
    const notPortcullis = await runCli(["login", "--url", emulator.url.replace("https:", "http:"), "--device-code"], { ...env, PORTCULLIS_CONFIG_DIR: await tempConfigDir() });
    expect(notPortcullis.code).toBe(ExitCode.error);
    expect(notPortcullis.stderr.trim().split("\n")).toHaveLength(1);
    const fresh = await runCli(["grants"], { ...env, PORTCULLIS_CONFIG_DIR: await tempConfigDir() });
    expect(fresh).toMatchObject({ code: ExitCode.notSignedIn, stderr: "portcullis: Not signed in: run `portcullis login --url <server>` first\n" });
    expect(AuthConfigResponseSchema.parse((await (await fetch(`${bff.url}/api/auth/config`)).json()) as unknown).cliClientId).toBe("portcullis-cli");
  });
});
