CREATE TABLE "consent_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid,
	"phone_hash" text,
	"bsuid_hash" text,
	"scope" text NOT NULL,
	"method" text NOT NULL,
	"keyword" text,
	"language" text,
	"wamid" text,
	"actor_user_id" uuid,
	"actor_api_key_id" uuid,
	"reason" text,
	"previous_state" text NOT NULL,
	"new_state" text NOT NULL,
	"superseded" boolean DEFAULT false NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consent_events_method_check" CHECK (method in ('keyword', 'button', 'platform', 'manual', 'api')),
	CONSTRAINT "consent_events_scope_check" CHECK (scope in ('messaging', 'marketing'))
);
--> statement-breakpoint
ALTER TABLE "consent_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"origin" text NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"content_enc" text,
	"consent_event_id" uuid,
	"created_by_user_id" uuid,
	"created_by_api_key_id" uuid,
	"state" text DEFAULT 'queued' NOT NULL,
	"skip_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"last_error" jsonb,
	"wamid" text,
	"message_id" uuid,
	"sent_at" timestamp with time zone,
	"call_ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sends_state_check" CHECK (state in ('queued', 'sending', 'sent', 'failed', 'skipped', 'unknown'))
);
--> statement-breakpoint
ALTER TABLE "sends" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "sending_paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "sending_paused_reason" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "consent_state" text DEFAULT 'subscribed' NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "consent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "consent_event_id" uuid;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "marketing_state" text DEFAULT 'allowed' NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "marketing_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sends" ADD CONSTRAINT "sends_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sends" ADD CONSTRAINT "sends_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sends" ADD CONSTRAINT "sends_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consent_events_wamid_key" ON "consent_events" USING btree ("workspace_id","wamid","scope") WHERE "consent_events"."wamid" is not null;--> statement-breakpoint
CREATE INDEX "consent_events_time_idx" ON "consent_events" USING btree ("workspace_id","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "consent_events_contact_idx" ON "consent_events" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "consent_events_phone_idx" ON "consent_events" USING btree ("workspace_id","phone_hash");--> statement-breakpoint
CREATE INDEX "consent_events_bsuid_idx" ON "consent_events" USING btree ("workspace_id","bsuid_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "sends_idempotency_key" ON "sends" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "sends_due_idx" ON "sends" USING btree ("next_attempt_at") WHERE "sends"."state" = 'queued';--> statement-breakpoint
CREATE INDEX "sends_contact_idx" ON "sends" USING btree ("contact_id","call_ended_at");--> statement-breakpoint
CREATE INDEX "sends_sending_idx" ON "sends" USING btree ("lease_until") WHERE "sends"."state" = 'sending';--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_consent_check" CHECK (consent_state in ('subscribed', 'opted_out') and marketing_state in ('allowed', 'stopped'));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "consent_events" AS PERMISSIVE FOR ALL TO "parley_app" USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid) WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "sends" AS PERMISSIVE FOR ALL TO "parley_app" USING (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid) WITH CHECK (workspace_id = nullif(current_setting('app.workspace_id', true), '')::uuid);