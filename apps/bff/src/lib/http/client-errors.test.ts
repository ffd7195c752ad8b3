import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";

/**
 * Every client error is a 4xx with the one error body naming the input it is about, never a 500: bodies that
 * cannot be read (encoding, size, type, syntax) and activity cursors that were never handed out.
 */
describe("client errors through the real app", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const assignment = (principalId: string) => JSON.stringify({ principalType: "user", principalId, principalName: "Body Test", role: "Auditor", scope: "/" });
  /** Bytes exactly as given (supertest would re-encode a Buffer sent as JSON), to the listening app. */
  const post = async (headers: Record<string, string>, body: string | Buffer): Promise<{ status: number; headers: Record<string, string>; body: { error: { message: string } } }> => {
    const res = await fetch(`${bff.url}/api/rbac/assignments`, { method: "POST", headers: { authorization: admin, ...headers }, body: typeof body === "string" ? body : new Uint8Array(body) });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as { error: { message: string } } };
  };
  const json = { "content-type": "application/json" };

  function expectNamedError(res: { status: number; headers: Record<string, string | undefined>; body: unknown }, status: number, field: string, rule: RegExp): void {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toEqual({ error: { code: "BadRequest", message: expect.stringMatching(new RegExp(`^${field}: `)), details: { problems: [{ field, rule: expect.stringMatching(rule) }] } } });
  }

  it.each([
    ["gzip", (b: Buffer) => gzipSync(b)],
    ["deflate", (b: Buffer) => deflateSync(b)],
    ["br", (b: Buffer) => brotliCompressSync(b)],
  ])("When a JSON body is sent %s-compressed, then it is read as usual", async (encoding, compress) => {
    const res = await post({ ...json, "content-encoding": encoding }, compress(Buffer.from(assignment(`compressed-${encoding}`))));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ principalId: `compressed-${encoding}` });
  });

  it.each([
    ["gzip", "not gzip at all"],
    ["deflate", "not deflate either"],
    ["br", "nor brotli"],
    ["gzip", gzipSync(Buffer.from(assignment("truncated"))).subarray(0, 12)],
  ])("When the body is not valid %s, then the answer is 400 naming the body", async (encoding, body) => {
    expectNamedError(await post({ ...json, "content-encoding": encoding }, Buffer.from(body)), 400, "body", /not valid for its Content-Encoding/);
  });

  it("When the Content-Encoding is one the API does not read, then the answer is 415 naming the body", async () => {
    expectNamedError(await post({ ...json, "content-encoding": "compress" }, "x"), 415, "body", /Content-Encoding the API does not read/);
  });

  it("When the body is over 100 KB once decompressed, then the answer is 413 naming the body (a small gzip does not slip through)", async () => {
    const large = gzipSync(Buffer.from(JSON.stringify({ principalName: "x".repeat(2_000_000) })));
    expect(large.length).toBeLessThan(100 * 1024);
    expectNamedError(await post({ ...json, "content-encoding": "gzip" }, large), 413, "body", /at most 100 KB/);
    expectNamedError(await post(json, JSON.stringify({ principalName: "x".repeat(200_000) })), 413, "body", /at most 100 KB/);
  });

  it.each([
    ["a syntax error", "{"],
    ["a bare string (objects and arrays only)", '"x"'],
  ])("When the JSON has %s, then the answer is 400 naming the body", async (_what, body) => {
    expectNamedError(await post(json, body), 400, "body", /is not valid JSON/);
  });

  it.each([
    ["text/plain", assignment("as-text")],
    ["application/x-www-form-urlencoded", "principalId=x"],
    ["application/xml", "<x/>"],
  ])("When the body is %s, then the answer is 415 naming the body, and nothing is stored", async (type, body) => {
    const before = await bff.assignments.count();
    expectNamedError(await post({ "content-type": type }, body), 415, "body", /must be JSON/);
    expect(await bff.assignments.count()).toBe(before);
  });

  it("When the charset is not utf-8, then the answer is 415 naming the body", async () => {
    expectNamedError(await post({ "content-type": "application/json; charset=koi8-r" }, assignment("koi8")), 415, "body", /charset/);
  });

  it("When a write has an empty body and no type (Content-Length: 0), then the route's own rule answers, not the type check", async () => {
    const res = await post({}, "");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("body: is required");
    const grant = await request(bff.app).post(`/api/grants/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}/revoke`).set("authorization", admin);
    expect(grant.status).toBe(404);
  });

  const cursor = (text: string) => Buffer.from(text, "utf8").toString("base64url");
  it.each([
    ["a sequence beyond bigint", cursor("2026-01-01T00:00:00.000Z|9999999999999999999")],
    ["the largest bigint plus one", cursor("2026-01-01T00:00:00.000Z|9223372036854775808")],
    ["year 0, which PostgreSQL has not", cursor("0000-01-01T00:00:00.000Z|1")],
    ["31 February", cursor("2026-02-31T00:00:00.000Z|1")],
    ["25 o'clock", cursor("2026-01-01T25:00:00.000Z|1")],
    ["base64 that is not a cursor", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5"],
    ["standard base64 padding", "YWJj+/=="],
    ["a percent sign", "%25"],
  ])("When GET /api/activity gets a cursor with %s, then the answer is 400 naming the cursor", async (_what, text) => {
    expectNamedError(await request(bff.app).get(`/api/activity?cursor=${text}`).set("authorization", admin), 400, "cursor", /is not a cursor from a previous page/);
  });

  it("When the cursor is the largest bigint, then it is a cursor like any other (200)", async () => {
    const res = await request(bff.app).get(`/api/activity?cursor=${cursor("2026-01-01T00:00:00.000Z|9223372036854775807")}`).set("authorization", admin);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});
