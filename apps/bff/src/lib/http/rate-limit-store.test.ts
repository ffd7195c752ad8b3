import express, { type Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { testEngines } from "../../test-support/db-engines.ts";
import { errorMiddleware } from "../error-middleware.ts";
import { createLogger } from "../logger.ts";
import { clientAddress } from "./client-ip.ts";
import { perIpRateLimit } from "./rate-limit.ts";
import { DatabaseRateLimitStore } from "./rate-limit-store.ts";

const postgres = testEngines.find((engine) => engine.name === "postgres");

describe("rate limits shared by replicas on PostgreSQL", () => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await (postgres as NonNullable<typeof postgres>).open());
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  /** One replica: the per-address limit of the BFF with the shared store, trusting the test's forwarded address. */
  const replica = (perMinute: number): Express => {
    const app = express();
    app.use(clientAddress(["loopback"]));
    app.use(perIpRateLimit(perMinute, new DatabaseRateLimitStore(database.kysely, "ip:")));
    app.get("/", (_req, res) => {
      res.send("ok");
    });
    app.use(errorMiddleware(createLogger("silent")));
    return app;
  };

  it("two replicas together allow the limit once, not twice: the next request on either is 429 with Retry-After", async () => {
    const [a, b] = [replica(4), replica(4)];
    const from = (app: Express, ip: string) => request(app).get("/").set("x-forwarded-for", ip);
    const statuses = [];
    for (const app of [a, b, a, b]) statuses.push((await from(app, "203.0.113.10")).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const refused = await from(b, "203.0.113.10");
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toBe("Too many requests from this address: at most 4 per minute; try again shortly");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect((await from(a, "203.0.113.10")).status).toBe(429);
    // Another address has its own count.
    expect((await from(a, "203.0.113.11")).status).toBe(200);
  });

  it("starts a new window once the old one ended", async () => {
    const app = replica(1);
    expect((await request(app).get("/").set("x-forwarded-for", "203.0.113.20")).status).toBe(200);
    expect((await request(app).get("/").set("x-forwarded-for", "203.0.113.20")).status).toBe(429);
    await database.kysely.updateTable("rate_limit_hit").set({ reset_at: new Date(Date.now() - 1_000) }).execute();
    expect((await request(app).get("/").set("x-forwarded-for", "203.0.113.20")).status).toBe(200);
  });
});
