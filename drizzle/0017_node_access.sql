CREATE TYPE "public"."node_session_kind" AS ENUM('terminal', 'logs');--> statement-breakpoint
CREATE TABLE "node_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"node_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" "node_session_kind" NOT NULL,
	"application" text,
	"ticket_hash" text,
	"ticket_expires_at" timestamp with time zone NOT NULL,
	"columns" integer,
	"rows" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"agent_joined_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "user_ssh_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"public_key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "login" jsonb;--> statement-breakpoint
ALTER TABLE "node_sessions" ADD CONSTRAINT "node_sessions_node_id_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."nodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "node_sessions" ADD CONSTRAINT "node_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_ssh_keys" ADD CONSTRAINT "user_ssh_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "node_sessions_ticket" ON "node_sessions" USING btree ("ticket_hash") WHERE ticket_hash is not null;--> statement-breakpoint
CREATE INDEX "node_sessions_waiting" ON "node_sessions" USING btree ("node_id") WHERE agent_joined_at is null and ended_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "user_ssh_keys_user_fingerprint" ON "user_ssh_keys" USING btree ("user_id","fingerprint");