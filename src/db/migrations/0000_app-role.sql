-- Roles are cluster-wide: guard the create so a second database in the same cluster migrates too.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'parley_app') THEN
    CREATE ROLE parley_app NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
-- The migrating user must be able to SET ROLE parley_app inside tenant transactions.
GRANT parley_app TO CURRENT_USER;
