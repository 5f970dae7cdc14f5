// The console's browser suite (`npm run test:console`): real Chromium (Debian's, at
// /usr/bin/chromium) driven by playwright-core against the service. Kept out of `npm test`
// and CI for now: at the merge of 2026-12-02 its seeding sometimes waits in vain for the
// case customer's task (see README, Console).
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
