import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("starts on defaults with nothing set: embedded database, PostgreSQL queue, all roles", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, ROLES: ["api", "worker", "scheduler"] });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it("stops with a message naming the variable that is wrong", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ROLES: "api,janitor" })).toThrow(/ROLES.*janitor/);
  });

  it("runs only the roles asked for", () => {
    expect(loadConfig({ ROLES: "worker, scheduler" }).ROLES).toEqual(["worker", "scheduler"]);
  });
});
