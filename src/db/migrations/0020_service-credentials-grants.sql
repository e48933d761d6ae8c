-- Tenant work stores, replaces, reads and removes a workspace's service secrets; RLS keeps each
-- workspace to its own rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON service_credentials TO parley_app;
