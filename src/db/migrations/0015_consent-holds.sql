CREATE TABLE "consent_holds" (
	"workspace_id" uuid NOT NULL,
	"identity_hash" text NOT NULL,
	"wamid" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_holds_workspace_id_identity_hash_wamid_pk" PRIMARY KEY("workspace_id","identity_hash","wamid")
);
--> statement-breakpoint
ALTER TABLE "consent_holds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consent_holds" ADD CONSTRAINT "consent_holds_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "consent_holds" AS PERMISSIVE FOR ALL TO "parley_app" USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid) WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);