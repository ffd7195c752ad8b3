import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "./lib/config.ts";
import { openDatabase, type Database } from "./lib/db/database.ts";
import { createLogger } from "./lib/logger.ts";
import { assembleBff, type AssembledBff } from "./server.ts";

describe("the app serving the built SPA", () => {
  let dir: string;
  let database: Database;
  let bff: AssembledBff;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-web-dist-"));
    await mkdir(path.join(dir, "assets"));
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>Portcullis</title>");
    await writeFile(path.join(dir, "assets", "app-1234.js"), "console.log('app')");
    // No ARM call is made by these requests; the endpoint only has to be a valid local one.
    const config = loadConfig({ ARM_ENDPOINT: "https://localhost:1", LOG_LEVEL: "silent" });
    database = await openDatabase({ kind: "pglite-memory" });
    bff = assembleBff(config, database, { logger: createLogger("silent"), webDistDir: dir });
  });
  afterAll(async () => {
    bff?.arm.close();
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(["/", "/inventory", "/requests/123"])("answers GET %s with the SPA's index.html", async (url) => {
    const res = await request(bff.app).get(url);
    expect(res.status).toBe(200);
    expect(res.text).toContain("<title>Portcullis</title>");
    expect(res.headers["cache-control"]).toBe("no-cache");
  });

  it("serves fingerprinted assets as immutable", async () => {
    const res = await request(bff.app).get("/assets/app-1234.js");
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toContain("immutable");
  });

  it.each(["/api", "/api/nothing-here"])("answers an unknown API path %s with a 404 error body, not the SPA", async (url) => {
    const res = await request(bff.app).get(url);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NotFound");
  });

  it("sets helmet's security headers and no x-powered-by", async () => {
    const res = await request(bff.app).get("/api/healthz");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("answers a malformed JSON body with 400", async () => {
    const res = await request(bff.app).post("/api/inventory/refresh").set("content-type", "application/json").send("{");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Malformed JSON in the request body");
  });
});
