CREATE TYPE "public"."schedule_outside_class" AS ENUM('powerOff', 'delete');--> statement-breakpoint
CREATE TYPE "public"."expiry_extension_state" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
ALTER TYPE "public"."alert_kind" ADD VALUE 'expiry';--> statement-breakpoint
CREATE TABLE "metric_rollups" (
	"node_id" uuid NOT NULL,
	"application" text DEFAULT '' NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"samples" integer NOT NULL,
	"cpu_cores" real,
	"load1" real,
	"memory_bytes" bigint,
	"memory_total_bytes" bigint,
	"disk_used_bytes" bigint,
	"disk_total_bytes" bigint,
	"network_receive_bytes_per_second" real,
	"network_transmit_bytes_per_second" real,
	"gpu_utilization" real,
	"gpu_memory_bytes" bigint,
	"cpu_cores_max" real,
	CONSTRAINT "metric_rollups_node_id_application_hour_pk" PRIMARY KEY("node_id","application","hour")
);
--> statement-breakpoint
CREATE TABLE "metric_samples" (
	"node_id" uuid NOT NULL,
	"application" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"cpu_cores" real,
	"load1" real,
	"memory_bytes" bigint,
	"memory_total_bytes" bigint,
	"disk_used_bytes" bigint,
	"disk_total_bytes" bigint,
	"network_receive_bytes_per_second" real,
	"network_transmit_bytes_per_second" real,
	"gpu_utilization" real,
	"gpu_memory_bytes" bigint,
	CONSTRAINT "metric_samples_node_id_application_at_pk" PRIMARY KEY("node_id","application","at")
);
--> statement-breakpoint
CREATE TABLE "unit_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" uuid NOT NULL,
	"timezone" text DEFAULT 'Asia/Tokyo' NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"periods" jsonb NOT NULL,
	"exceptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"skip_holidays" boolean DEFAULT true NOT NULL,
	"outside_class" "schedule_outside_class" DEFAULT 'powerOff' NOT NULL,
	"nodes_outside_class" integer DEFAULT 1 NOT NULL,
	"warm_up_minutes" integer DEFAULT 15 NOT NULL,
	"drain_minutes" integer DEFAULT 10 NOT NULL,
	"paused_at" timestamp with time zone,
	"paused_by" uuid,
	"last_target" jsonb,
	"last_applied_at" timestamp with time zone,
	"last_error" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unit_schedules_unitId_unique" UNIQUE("unit_id")
);
--> statement-breakpoint
CREATE TABLE "expiry_extensions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_group_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"from_expires_at" timestamp with time zone NOT NULL,
	"until_expires_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"state" "expiry_extension_state" NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "extension_auto_approve_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "expiry_grace_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "unit_groups" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "unit_groups" ADD COLUMN "expired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_node_id_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."nodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_node_id_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."nodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_schedules" ADD CONSTRAINT "unit_schedules_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_schedules" ADD CONSTRAINT "unit_schedules_paused_by_users_id_fk" FOREIGN KEY ("paused_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_schedules" ADD CONSTRAINT "unit_schedules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expiry_extensions" ADD CONSTRAINT "expiry_extensions_unit_group_id_unit_groups_id_fk" FOREIGN KEY ("unit_group_id") REFERENCES "public"."unit_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expiry_extensions" ADD CONSTRAINT "expiry_extensions_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expiry_extensions" ADD CONSTRAINT "expiry_extensions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metric_rollups_hour" ON "metric_rollups" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "metric_samples_at" ON "metric_samples" USING btree ("at");--> statement-breakpoint
CREATE INDEX "expiry_extensions_unit_group" ON "expiry_extensions" USING btree ("unit_group_id");--> statement-breakpoint
CREATE INDEX "expiry_extensions_state" ON "expiry_extensions" USING btree ("state");