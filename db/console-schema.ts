// Console sign-in: a session cookie stands for an API key, so the key never lives in the page.
import { index, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "./columns.ts";
import { apiKeys, workspaces } from "./schema.ts";

export const consoleSessions = pgTable(
  "console_sessions",
  {
    /** SHA-256 of the cookie's random token; the token itself is only in the browser. */
    tokenHash: text("token_hash").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The key signed in with: its role applies, and revoking it ends the session. */
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    /** Synchronizer token every state-changing request sends in `x-csrf-token`. */
    csrfToken: text("csrf_token").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("console_sessions_expires_idx").on(t.expiresAt)],
);

export type ConsoleSession = typeof consoleSessions.$inferSelect;
