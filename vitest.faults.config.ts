// The fault-injection suite (`npm run test:faults`): the service runs as separate processes
// (API, worker, scheduler) against a Redis of its own and a database of its own, and the
// tests kill, restart and flush them. One file at a time: each starts several processes.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/support/global-setup.ts"],
    include: ["test/faults/**/*.fault.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ["default"],
  },
});
