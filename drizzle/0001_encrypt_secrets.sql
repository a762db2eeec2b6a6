ALTER TABLE "builds" ALTER COLUMN "secrets" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "builds" ALTER COLUMN "secrets" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "builds" ALTER COLUMN "secrets" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "secret_outputs" text;