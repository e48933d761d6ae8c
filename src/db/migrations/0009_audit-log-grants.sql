-- The audit log is append-only for the app; only the owner connection (the yearly purge) deletes.
GRANT SELECT, INSERT ON audit_entries TO parley_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_entries_id_seq TO parley_app;
