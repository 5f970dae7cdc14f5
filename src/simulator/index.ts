export * from "./archetypes.ts";
export * from "./generate.ts";
export * from "./ground-truth.ts";
export * from "./load.ts";
