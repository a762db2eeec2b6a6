DROP INDEX "units_group_name";--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "spec_values" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "units_group_name" ON "units" USING btree ("unit_group_id","name") WHERE state <> 'DELETED';