import { timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { DomainEvent } from "@portcullis/contract";

/** What a scrape reads from storage at that moment (grants by status, the notification outbox). */
export interface MetricsReadings {
  grantsByStatus(): Promise<ReadonlyArray<{ status: string; count: number }>>;
  outboxByStatus(): Promise<ReadonlyArray<{ status: string; count: number }>>;
  /** The PostgreSQL pool, when there is one (PGlite has none). */
  pool?: () => { total: number; idle: number; waiting: number };
}

function statusLabel(status: number | null): string {
  return status === null || status === 0 ? "none" : String(status);
}

/**
 * Prometheus metrics of one BFF process (prom-client): HTTP latency by route template, ARM calls by operation and
 * status (429s, 412s and 409s visible: every NSG write retry is one more PUT) with latency, audit events by action and
 * outcome (opens, closes, revokes, failures, drift found and repaired), expiry lateness, and, read at each scrape, grants by
 * status, the notification outbox and the database pool. Names carry their unit; labels are bounded sets.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "portcullis_" });

  const httpDuration = new Histogram({
    name: "portcullis_http_request_duration_seconds",
    help: "HTTP requests served, by method, route template and status code.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const armRequests = new Counter({
    name: "portcullis_arm_requests_total",
    help: "Requests sent to Azure Resource Manager (each try), by operation and HTTP status (none: no answer).",
    labelNames: ["operation", "status"] as const,
    registers: [registry],
  });
  const armDuration = new Histogram({
    name: "portcullis_arm_request_duration_seconds",
    help: "Time to ARM's answer, by operation.",
    labelNames: ["operation"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const auditEvents = new Counter({
    name: "portcullis_audit_events_total",
    help: "Events appended to the audit trail (request.opened, request.expired, request.revoked, drift.found, ...), by action and outcome.",
    labelNames: ["action", "outcome"] as const,
    registers: [registry],
  });
  const expiryLateness = new Histogram({
    name: "portcullis_expiry_lateness_seconds",
    help: "How long after its end an expired grant was recorded closed (its rules removed).",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
    registers: [registry],
  });
  let readings: MetricsReadings | undefined;
  const grants = new Gauge({
    name: "portcullis_grants",
    help: "Access grants by status (open: ports open now), read at scrape time.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      if (readings === undefined) return;
      this.reset();
      for (const { status, count } of await readings.grantsByStatus()) this.set({ status }, count);
    },
  });
  const outbox = new Gauge({
    name: "portcullis_notification_outbox_messages",
    help: "Notification outbox messages by status (pending: waiting to be delivered; failed: given up), read at scrape time.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      if (readings === undefined) return;
      this.reset();
      for (const { status, count } of await readings.outboxByStatus()) this.set({ status }, count);
    },
  });
  const pool = new Gauge({
    name: "portcullis_db_pool_connections",
    help: "PostgreSQL pool connections by state (total, idle, waiting clients).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const now = readings?.pool?.();
      if (now === undefined) return;
      this.set({ state: "total" }, now.total);
      this.set({ state: "idle" }, now.idle);
      this.set({ state: "waiting" }, now.waiting);
    },
  });
  void grants;
  void outbox;
  void pool;

  return {
    registry,
    /** Storage readings for the scrape-time gauges (set once storage is open). */
    read(from: MetricsReadings): void {
      readings = from;
    },
    /** Times every request, labelled with its route template (never the raw path: ids would make labels unbounded). */
    http(): RequestHandler {
      return (req, res, next) => {
        const end = httpDuration.startTimer();
        res.on("finish", () => {
          const template = req.route === undefined ? null : `${req.baseUrl}${String((req.route as { path: unknown }).path)}`;
          const route = template ?? (req.originalUrl.startsWith("/api") ? "/api (unmatched)" : req.originalUrl.startsWith("/oidc") ? "/oidc" : "static");
          end({ method: req.method, route, status: String(res.statusCode) });
        });
        next();
      };
    },
    /** One try of one ARM request (from the ARM clients' pipeline): counted by operation and status, and timed. */
    armRequest(operation: string, status: number | null, seconds: number): void {
      armRequests.inc({ operation, status: statusLabel(status) });
      armDuration.observe({ operation }, seconds);
    },
    /** Audit events as appended; an expired grant's event also gives its lateness (now minus its end). */
    auditEvents(events: ReadonlyArray<DomainEvent & { outcome: string }>, now = Date.now()): void {
      for (const event of events) {
        auditEvents.inc({ action: event.action, outcome: event.outcome });
        if (event.action === "request.expired" && event.details.endsAt !== undefined) expiryLateness.observe(Math.max(0, (now - Date.parse(event.details.endsAt)) / 1000));
      }
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * GET /metrics in Prometheus's text format, for a scraper holding METRICS_TOKEN (`Authorization: Bearer <token>`,
 * compared in constant time); anything else is 401 with nothing of the metrics in it.
 */
export function metricsRoute(metrics: Metrics, token: string): RequestHandler {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (req, res) => {
    const given = Buffer.from(req.get("authorization") ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      res.status(401).type("text/plain").send("401: /metrics needs Authorization: Bearer <METRICS_TOKEN>\n");
      return;
    }
    res.setHeader("Cache-Control", "no-store");
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
