import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "@portcullis/bff/testing";

/** The log's shape at scale: a year of events over 10,000 VMs and 500 users, three events per request. */
export const auditVolume = { events: 1_000_000, vms: 10_000, users: 500, days: 365 } as const;

/** Words the justifications are made of (one each), so free text has common and rare terms. */
const words = ["patch", "deploy", "hotfix", "rollback", "debug", "restart", "backup", "upgrade", "audit", "migration", "incident", "certificate", "logs", "diskspace", "kernel", "database", "release", "failover", "monitoring", "maintenance"];

/**
 * Inserts `count` events in one server-side statement per chunk (generate_series), newest last, times spread
 * over `days` up to now. The hash chain is linked (prev_hash is the previous row's hash) but the hashes are
 * not computed over the content: enough for the query benchmark, not a chain that verifies.
 */
export async function insertAuditEvents(db: Kysely<DatabaseSchema>, log: (message: string) => void, chunk = 100_000): Promise<void> {
  const { events, vms, users, days } = auditVolume;
  const wordList = sql.raw(`array[${words.map((w) => `'${w}'`).join(",")}]`);
  const actions = sql.raw(
    `array['request.created','request.approved','request.opened','request.expired','request.created','request.opened','request.expired','request.revoked','request.extended','policy.enabled','policy.edited','request.created','request.opened','request.expired','request.denied','request.failed','drift.found','rbac.assignment-added']`,
  );
  for (let start = 1; start <= events; start += chunk) {
    const end = Math.min(events, start + chunk - 1);
    await sql`
      insert into audit_event (seq, id, at, actor_oid, actor_name, actor_ip, action, outcome, vm_id, vm_name, details, error, correlation_id, prev_hash, hash)
      select
        i,
        gen_random_uuid(),
        date_trunc('milliseconds', now() - make_interval(secs => (${events} - i) * (${days} * 86400.0 / ${events}))),
        'user-' || ((i * 7919) % ${users}),
        'User ' || ((i * 7919) % ${users}),
        '203.0.113.' || (i % 250),
        a.action,
        case when i % 20 = 0 then 'failure' else 'success' end,
        case when a.action like 'rbac.%' then null else v.vm_id end,
        case when a.action like 'rbac.%' then null else 'vm-' || v.n end,
        case when a.action like 'request.%' then jsonb_build_object(
          'ports', jsonb_build_array('22/TCP'),
          'sources', jsonb_build_array('203.0.113.' || (i % 250) || '/32'),
          'durationMinutes', 60,
          'justification', 'Ticket INC' || lpad(((i * 37) % 1000000)::text, 7, '0') || ' ' || (${wordList})[(1 + (i / 3) % 20)::int])
        else jsonb_build_object('ports', jsonb_build_array('22/TCP')) end,
        case when i % 20 = 0 then 'NSG busy' else null end,
        'req-' || (i / 3),
        encode(sha256(((i - 1)::text)::bytea), 'hex'),
        encode(sha256((i::text)::bytea), 'hex')
      from generate_series(${start}::bigint, ${end}::bigint) as i
      cross join lateral (select (${actions})[(1 + (i * 31) % 18)::int] as action) a
      cross join lateral (select (i * 104729) % ${vms} as n) vn
      cross join lateral (select '/subscriptions/sub-' || (vn.n % 10) || '/resourcegroups/rg-' || (vn.n % 200) || '/providers/microsoft.compute/virtualmachines/vm-' || vn.n as vm_id, vn.n as n) v
    `.execute(db);
    log(`inserted ${end.toLocaleString("en")} of ${events.toLocaleString("en")} events`);
  }
  await sql`select setval(pg_get_serial_sequence('audit_event', 'seq'), ${events})`.execute(db);
  await sql`analyze audit_event`.execute(db);
}
