// Error logs name what failed without a statement's parameters (key hashes, personal data).
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/log.ts";
import { useTestContext } from "../support/context.ts";

const ctx = useTestContext();

afterEach(() => vi.restoreAllMocks());

describe("error logs", () => {
  it.each([
    ["division by zero", (secret: string) => sql`select ${secret}::text, 1 / 0`],
    ["invalid input syntax for type integer", (secret: string) => sql`select ${secret}::int`],
  ])("leave out the parameters of a failed query and keep PostgreSQL's reason (%s)", async (reason, query) => {
    const secret = "f3a1c0ffee-key-hash-that-must-not-leak";
    const err = await ctx.database.db.execute(query(secret)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    createLogger("error").error("request failed", { err });
    const logged = lines.join("");
    expect(logged).toContain("Failed query");
    expect(logged).toContain(reason);
    expect(logged).not.toContain(secret);
  });
});
