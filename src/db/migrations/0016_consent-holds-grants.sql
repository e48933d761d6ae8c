-- Ingest writes holds as the owner; tenant work reads them (the gate) and deletes them (processing).
GRANT SELECT, INSERT, DELETE ON consent_holds TO parley_app;
