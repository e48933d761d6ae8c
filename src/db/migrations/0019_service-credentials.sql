CREATE TABLE "service_credentials" (
	"workspace_id" uuid NOT NULL,
	"service" text NOT NULL,
	"secret_enc" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_credentials_workspace_id_service_pk" PRIMARY KEY("workspace_id","service")
);
--> statement-breakpoint
ALTER TABLE "service_credentials" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "service_credentials" ADD CONSTRAINT "service_credentials_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "service_credentials" AS PERMISSIVE FOR ALL TO "parley_app" USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid) WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);