-- The inbox searches contacts by any part of a name. Under row-level security PostgreSQL will not
-- use an index for ILIKE (its function is not leakproof), so a trigram index alone is never used
-- by the app role; this function runs as the table owner, takes the workspace from the same
-- setting the policies read, and so can use the index while still seeing one workspace only.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX contacts_names_trgm_idx ON contacts USING gin ((coalesce(custom_name, '') || ' ' || coalesce(profile_name, '') || ' ' || coalesce(username, '')) gin_trgm_ops);
--> statement-breakpoint
CREATE FUNCTION contacts_named(pattern text, max_rows integer) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id FROM contacts
  WHERE workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid
    AND (coalesce(custom_name, '') || ' ' || coalesce(profile_name, '') || ' ' || coalesce(username, '')) ILIKE pattern
  LIMIT max_rows
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION contacts_named(text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION contacts_named(text, integer) TO parley_app;
