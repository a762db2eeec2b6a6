CREATE TYPE "public"."host_state" AS ENUM('active', 'draining', 'unreachable', 'removed');--> statement-breakpoint
CREATE TABLE "hosts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"ssh_port" integer DEFAULT 22 NOT NULL,
	"ssh_user" text NOT NULL,
	"host_key_fingerprint" text,
	"capacity" integer NOT NULL,
	"state" "host_state" DEFAULT 'active' NOT NULL,
	"state_reason" text,
	"last_contact_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "hosts_ssh_port_range" CHECK ("hosts"."ssh_port" between 1 and 65535),
	CONSTRAINT "hosts_capacity_range" CHECK ("hosts"."capacity" between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "organization_ssh_keys" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"private_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hosts" ADD CONSTRAINT "hosts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_ssh_keys" ADD CONSTRAINT "organization_ssh_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hosts_live_name" ON "hosts" USING btree ("organization_id","name") WHERE state <> 'removed';--> statement-breakpoint
CREATE INDEX "hosts_organization_name" ON "hosts" USING btree ("organization_id","name");