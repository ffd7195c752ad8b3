import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "./test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "./test-support/stack.ts";

describe("the app serving the built SPA", () => {
  let dir: string;
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let auth: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-web-dist-"));
    await mkdir(path.join(dir, "assets"));
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>Portcullis</title>");
    await writeFile(path.join(dir, "assets", "app-1234.js"), "console.log('app')");
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { webDistDir: dir });
    auth = `Bearer ${await signInAs(bff, "reader@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(["/", "/inventory", "/requests/123", "/auth/callback"])("answers GET %s with the SPA's index.html", async (url) => {
    const res = await request(bff.app).get(url);
    expect(res.status).toBe(200);
    expect(res.text).toContain("<title>Portcullis</title>");
    expect(res.headers["cache-control"]).toBe("no-cache");
  });

  it.each([
    ["/", "'none'", "DENY"],
    ["/inventory", "'none'", "DENY"],
    // MSAL's silent renewal loads its redirect page in an iframe of the portal.
    ["/auth/callback", "'self'", "SAMEORIGIN"],
  ])("lets the page %s be framed by %s", async (url, ancestors, frameOptions) => {
    const res = await request(bff.app).get(url);
    expect(res.headers["content-security-policy"]).toContain(`frame-ancestors ${ancestors};`);
    expect(res.headers["x-frame-options"]).toBe(frameOptions);
  });

  it("serves fingerprinted assets as immutable", async () => {
    const res = await request(bff.app).get("/assets/app-1234.js");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toContain("immutable");
  });

  it.each(["/api", "/api/nothing-here"])("answers an unknown API path %s with a 404 error body, not the SPA, that no cache keeps", async (url) => {
    const res = await request(bff.app).get(url).set("authorization", auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NotFound");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("does not tell a caller without a token which API paths exist", async () => {
    const res = await request(bff.app).get("/api/nothing-here");
    expect(res.status).toBe(401);
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it.each([
    ["the public sign-in settings", "/api/auth/config"],
    ["liveness", "/api/healthz"],
    ["an OPTIONS request", "/api/me"],
  ])("marks %s no-store too", async (what, url) => {
    const res = what === "an OPTIONS request" ? await request(bff.app).options(url) : await request(bff.app).get(url);
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("answers a malformed JSON body with 400", async () => {
    const res = await request(bff.app).post("/api/rbac/assignments").set("authorization", auth).set("content-type", "application/json").send("{");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("body: is not valid JSON (an object or an array)");
  });

  it("answers a body over 100kb with 413", async () => {
    const res = await request(bff.app)
      .post("/api/rbac/assignments")
      .set("authorization", auth)
      .set("content-type", "application/json")
      .send(JSON.stringify({ principalName: "x".repeat(200_000) }));
    expect(res.status).toBe(413);
  });
});
