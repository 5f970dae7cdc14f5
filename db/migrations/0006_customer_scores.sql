CREATE TABLE "customer_scores" (
	"workspace_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"score_id" bigint NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"score" integer NOT NULL,
	"signature" text NOT NULL,
	"watermark" timestamp with time zone,
	CONSTRAINT "customer_scores_workspace_id_customer_id_pk" PRIMARY KEY("workspace_id","customer_id")
);
--> statement-breakpoint
-- Each customer's newest score so far.
INSERT INTO "customer_scores" ("workspace_id", "customer_id", "score_id", "as_of", "score", "signature", "watermark")
SELECT DISTINCT ON ("workspace_id", "customer_id") "workspace_id", "customer_id", "id", "as_of", "score", "signature", "watermark"
FROM "scores" ORDER BY "workspace_id", "customer_id", "scored_at" DESC, "id" DESC;