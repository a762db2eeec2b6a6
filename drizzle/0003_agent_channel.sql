ALTER TABLE "applications" ADD COLUMN "spec" text;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "report" jsonb;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "bootstrap_token_hash" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "bootstrap_token_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "credential_hash" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "agent_version" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "agent_hostname" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "capabilities" jsonb;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "last_heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "desired_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "applied_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "metrics" jsonb;--> statement-breakpoint
CREATE INDEX "nodes_heartbeat" ON "nodes" USING btree ("last_heartbeat_at") WHERE deleted_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "nodes_bootstrap_token" ON "nodes" USING btree ("bootstrap_token_hash") WHERE bootstrap_token_hash is not null;