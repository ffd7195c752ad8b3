-- What the BFF's own PostgreSQL role may do (apps/bff/README.md, "PostgreSQL roles").
-- Run as the role that owns the tables (the one `npm run db:migrate` ran as), after every upgrade's migrations:
--   psql "$OWNER_DATABASE_URL" -v app_role=portcullis_app -f apps/bff/sql/app-role-grants.sql
-- Idempotent. The app role owns nothing, so it cannot ALTER TABLE ... DISABLE TRIGGER, drop or replace the
-- triggers' functions, or set session_replication_role (superusers only).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
-- The audit trail: read and append. DELETE on events and anchors is for retention pruning (AUDIT_RETENTION_DAYS)
-- only: without retention, leave out the last line. The triggers let a row go only under the prune setting and
-- behind a checkpoint, and verification names a checkpoint whose signature is forged.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event, audit_checkpoint, audit_anchor FROM :"app_role";
GRANT DELETE ON audit_event, audit_anchor TO :"app_role";
