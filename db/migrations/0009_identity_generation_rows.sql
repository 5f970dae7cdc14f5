-- Every workspace has its identity-generation row from the start: ingest locks it (FOR SHARE)
-- to keep a merge from running between resolving a customer and storing its signals.
INSERT INTO "identity_generations" ("workspace_id", "generation")
SELECT "id", 0 FROM "workspaces"
ON CONFLICT ("workspace_id") DO NOTHING;
