-- Existing nodes are where their unit is.
ALTER TABLE "nodes" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "provider_account_id" uuid;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "flavor" text;--> statement-breakpoint
UPDATE "nodes" SET "provider" = "units"."provider", "provider_account_id" = "units"."provider_account_id", "flavor" = "units"."flavor" FROM "units" WHERE "units"."id" = "nodes"."unit_id";--> statement-breakpoint
ALTER TABLE "nodes" ALTER COLUMN "provider" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ALTER COLUMN "flavor" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "queue_idle_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "burst" jsonb;--> statement-breakpoint
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_provider_account_id_provider_accounts_id_fk" FOREIGN KEY ("provider_account_id") REFERENCES "public"."provider_accounts"("id") ON DELETE no action ON UPDATE no action;
