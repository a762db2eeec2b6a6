ALTER TABLE "nodes" ADD COLUMN "host_id" uuid;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "agent_dir" text DEFAULT '~/.ocs-portal' NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_host_id_hosts_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."hosts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "nodes_host" ON "nodes" USING btree ("host_id") WHERE deleted_at is null;