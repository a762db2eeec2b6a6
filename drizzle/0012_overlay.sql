CREATE TABLE "overlay_members" (
	"node_id" uuid PRIMARY KEY NOT NULL,
	"unit_group_id" uuid NOT NULL,
	"host_no" integer NOT NULL,
	"public_key" text,
	"endpoints" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"report" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "overlay_networks" (
	"unit_group_id" uuid PRIMARY KEY NOT NULL,
	"block" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "overlay_networks_block_unique" UNIQUE("block")
);
--> statement-breakpoint
ALTER TABLE "overlay_members" ADD CONSTRAINT "overlay_members_node_id_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."nodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "overlay_members" ADD CONSTRAINT "overlay_members_unit_group_id_overlay_networks_unit_group_id_fk" FOREIGN KEY ("unit_group_id") REFERENCES "public"."overlay_networks"("unit_group_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "overlay_networks" ADD CONSTRAINT "overlay_networks_unit_group_id_unit_groups_id_fk" FOREIGN KEY ("unit_group_id") REFERENCES "public"."unit_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "overlay_members_address" ON "overlay_members" USING btree ("unit_group_id","host_no");