CREATE TYPE "public"."leak_outcome" AS ENUM('removed', 'vanished', 'claimed');--> statement-breakpoint
CREATE TABLE "leaked_resources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"account_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"resource_id" text NOT NULL,
	"name" text NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reason" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"ended_at" timestamp with time zone,
	"outcome" "leak_outcome"
);
--> statement-breakpoint
ALTER TABLE "leaked_resources" ADD CONSTRAINT "leaked_resources_account_id_provider_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."provider_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaked_resources" ADD CONSTRAINT "leaked_resources_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "leaked_resources_resource" ON "leaked_resources" USING btree ("provider","resource_id");--> statement-breakpoint
CREATE INDEX "leaked_resources_organization" ON "leaked_resources" USING btree ("organization_id","first_seen_at");