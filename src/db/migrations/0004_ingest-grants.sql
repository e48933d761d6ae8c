-- Tenant tables of the ingest path. webhook_events gets no grant: only the owner connection
-- (ingest and the processing job) reads raw events, before a workspace is known.
GRANT SELECT, INSERT, UPDATE, DELETE ON contacts, contact_touches, messages, message_statuses, message_reactions, preference_updates, platform_errors TO parley_app;
