// The console's browser suite (`npm run test:console`, run by .ci/run after the scale
// suite): real Chromium (Debian's, at /usr/bin/chromium) driven by playwright-core against
// the service; one file at a time, each with its own browser and workspace.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/support/global-setup.ts"],
    include: ["test/console/**/*.browser.ts"],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ["default"],
  },
});
