import { Writable } from "node:stream";
import express from "express";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiNotFound, errorMiddleware } from "./error-middleware.ts";
import { ConflictError, InputError, NotAllowedError, NotFoundError, UpstreamUnavailableError } from "./errors.ts";
import { jsonBody } from "./http/json-body.ts";
import { parseInput } from "./http/validation.ts";
import { createLogger } from "./logger.ts";

function appWithLog() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger("info", sink);
  const app = express();
  app.use("/api", jsonBody());
  app.get("/api/input", () => {
    throw new InputError("bad thing", { details: { field: "x" } });
  });
  app.get("/api/forbidden", () => {
    throw new NotAllowedError("not yours");
  });
  app.get("/api/missing", () => {
    throw new NotFoundError("no such VM");
  });
  app.get("/api/conflict", () => {
    throw new ConflictError("changed meanwhile");
  });
  app.get("/api/upstream", async () => {
    throw new UpstreamUnavailableError("Azure Resource Manager at https://x is unreachable: boom");
  });
  app.get("/api/crash", async () => {
    throw new Error("secret internals at /srv/app.ts:42");
  });
  // The database with no connection to give: node-postgres's pool timeout, PostgreSQL refusing more connections
  // (SQLSTATE 53300), or a lost connection wrapped by a caller.
  app.get("/api/db-pool", async () => {
    throw new Error("timeout exceeded when trying to connect");
  });
  app.get("/api/db-full", async () => {
    throw Object.assign(new Error("sorry, too many clients already"), { code: "53300" });
  });
  app.get("/api/db-lost", async () => {
    throw new Error("storing the grant failed", { cause: new Error("Connection terminated unexpectedly") });
  });
  app.post("/api/echo", (req, res) => {
    const body = parseInput(z.object({ name: z.string().min(2), count: z.number().int().max(5) }), req.body, "body");
    res.json(body);
  });
  app.get("/api/zod", () => {
    z.object({ size: z.number() }).parse({ size: "big" });
  });
  app.use("/api", apiNotFound);
  app.use(errorMiddleware(logger));
  return { app, lines };
}

describe("the error middleware", () => {
  it.each([
    ["/api/input", 400, "BadRequest", "bad thing"],
    ["/api/forbidden", 403, "Forbidden", "not yours"],
    ["/api/missing", 404, "NotFound", "no such VM"],
    ["/api/conflict", 409, "Conflict", "changed meanwhile"],
    ["/api/upstream", 503, "UpstreamUnavailable", "Azure Resource Manager at https://x is unreachable: boom"],
    ["/api/nope", 404, "NotFound", "No API route for GET /api/nope"],
    ["/api/zod", 400, "BadRequest", "size: must be a number"],
  ])("maps GET %s to %i with the one error body", async (url, status, code, message) => {
    const { app } = appWithLog();
    const res = await request(app).get(url);
    expect(res.status).toBe(status);
    expect(res.type).toBe("application/json");
    expect(res.body.error).toMatchObject({ code, message });
  });

  it("keeps details of a named error", async () => {
    const res = await request(appWithLog().app).get("/api/input");
    expect(res.body).toEqual({ error: { code: "BadRequest", message: "bad thing", details: { field: "x" } } });
  });

  it("answers an unexpected error with a generic 500 and logs its stack", async () => {
    const { app, lines } = appWithLog();
    const res = await request(app).get("/api/crash");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: "InternalError", message: "Internal server error" } });
    expect(JSON.stringify(res.body)).not.toContain("secret internals");
    const logged = lines.find((l) => l["msg"] === "unhandled error") as { err?: { stack?: string } } | undefined;
    expect(logged?.err?.stack).toContain("secret internals at /srv/app.ts:42");
  });

  it.each(["/api/db-pool", "/api/db-full", "/api/db-lost"])("answers %s (the database has no connection to give) with 503, Retry-After and the database named, not 500", async (path) => {
    const { app } = appWithLog();
    const res = await request(app).get(path);
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("5");
    expect(res.body).toMatchObject({ error: { code: "UpstreamUnavailable", message: expect.stringMatching(/^The database is busy or unreachable/), details: { upstream: "database" } } });
  });

  it("logs 5xx but not 4xx", async () => {
    const { app, lines } = appWithLog();
    await request(app).get("/api/missing");
    await request(app).get("/api/input");
    expect(lines).toEqual([]);
    await request(app).get("/api/upstream");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, status: 503, code: "UpstreamUnavailable" });
  });

  it("names every field and rule a body breaks", async () => {
    const res = await request(appWithLog().app).post("/api/echo").send({ name: "a", count: 9 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("name: must be at least 2 characters; count: must be at most 5");
    expect(res.body.error.details).toEqual({
      problems: [
        { field: "name", rule: "must be at least 2 characters" },
        { field: "count", rule: "must be at most 5" },
      ],
    });
  });

  it("says a missing field is required", async () => {
    const res = await request(appWithLog().app).post("/api/echo").send({ count: 1 });
    expect(res.body.error.message).toBe("name: is required");
  });

  it("answers malformed JSON with 400 naming the body", async () => {
    const res = await request(appWithLog().app).post("/api/echo").set("content-type", "application/json").send("{ not json");
    expect(res.status).toBe(400);
    const rule = "is not valid JSON (an object or an array)";
    expect(res.body).toEqual({ error: { code: "BadRequest", message: `body: ${rule}`, details: { problems: [{ field: "body", rule }] } } });
  });

  it("answers a body over 100 KB with 413 naming the body", async () => {
    const res = await request(appWithLog().app)
      .post("/api/echo")
      .set("content-type", "application/json")
      .send(JSON.stringify({ name: "x".repeat(200_000), count: 1 }));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe("body: is too large: at most 100 KB (after decompression)");
  });
});
