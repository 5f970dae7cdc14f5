import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: [
    "./db/schema.ts",
    "./db/scoring-schema.ts",
    "./db/actions-schema.ts",
    "./db/replay-schema.ts",
    "./db/risk-model-schema.ts",
    "./db/console-schema.ts",
  ],
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
