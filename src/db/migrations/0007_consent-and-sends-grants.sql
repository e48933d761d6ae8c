-- The consent log is append-only for the app: it may read and add entries, and re-point an entry's
-- contact when two contact records are merged; it can never edit or delete what was logged.
GRANT SELECT, INSERT ON consent_events TO parley_app;
--> statement-breakpoint
GRANT UPDATE (contact_id) ON consent_events TO parley_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sends TO parley_app;
