CREATE TYPE "public"."alert_kind" AS ENUM('node_error', 'build_failed');--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" "alert_kind" NOT NULL,
	"target_id" uuid NOT NULL,
	"state" text NOT NULL,
	"subject" text NOT NULL,
	"reason" text NOT NULL,
	"link" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_target" ON "alerts" USING btree ("kind","target_id","state") WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX "alerts_unsent" ON "alerts" USING btree ("created_at") WHERE sent_at is null;