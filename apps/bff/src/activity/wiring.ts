import { createAuditRecorder, type AuditEventInput, type AuditRecorder, type AuditSubscriber } from "../lib/audit/audit-events.ts";
import { loadAuditSigningKey } from "../lib/audit/audit-signing.ts";
import type { Config } from "../lib/config.ts";
import type { Logger } from "../lib/logger.ts";
import { startAnchorJob } from "./anchor-job.ts";
import { startRetentionJob } from "./retention-job.ts";
import { createActivityService, type ActivityService, type ActivityServiceDeps } from "./service.ts";

export interface ActivityJobs {
  /** Stops pruning, then anchors the head one last time: call it after everything that appends has stopped. */
  stop(): Promise<void>;
}

export interface Activity {
  service: ActivityService;
  /** The one way every component appends to the audit trail, with this BFF's audit key. */
  audit: AuditRecorder;
  /** Anchors the head (awaited: a failure stops start-up), then anchors on the interval and prunes daily. */
  startJobs(): Promise<ActivityJobs>;
}

/** The audit key (loaded before anything can record an event: every event is hashed with it), the recorder and the activity service. */
export async function assembleActivity(deps: {
  db: ActivityServiceDeps["db"];
  config: Pick<Config, "audit" | "dataDir">;
  logger: Logger;
  /** Sees every batch of events appended (metrics). */
  observe?: (events: readonly AuditEventInput[]) => void;
  /** Run in every appending transaction, in order (the notifications outbox). */
  subscribers?: readonly AuditSubscriber[];
}): Promise<Activity> {
  const { audit: settings, dataDir } = deps.config;
  const key = await loadAuditSigningKey({ configuredKey: settings.signingKey, dataDir });
  const service = createActivityService({ db: deps.db, key, retentionDays: settings.retentionDays, anchorFile: settings.anchorFile });
  return {
    service,
    audit: createAuditRecorder(key, { ...(deps.observe === undefined ? {} : { observe: deps.observe }), subscribers: deps.subscribers ?? [] }),
    async startJobs() {
      const foreignKeyId = await service.foreignKeyId();
      if (foreignKeyId !== null) {
        deps.logger.error(
          { eventKeyId: foreignKeyId, keyId: key.keyId },
          "the newest audit event was hashed with another audit key: replicas must share AUDIT_SIGNING_KEY, and events hashed with another key cannot be verified with this one",
        );
      }
      const anchors = await startAnchorJob(service, deps.logger, { everyMs: settings.anchorIntervalSeconds * 1000 });
      const retention = startRetentionJob(service, deps.logger);
      return {
        async stop() {
          await retention.stop();
          await anchors.stop();
        },
      };
    },
  };
}
