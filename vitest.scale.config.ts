// The scale suites: several service processes of each role over one PostgreSQL and one Redis
// (`npm run test:scale`), and the pipeline on a Redis Cluster of three masters started by the
// test (`npm run test:cluster`; scripts/redis-cluster.sh, ports 7470–7472), and reads from a streaming replica
// (`npm run test:replica`; scripts/pg-replica.sh, ports 5442–5443, from the machine's PostgreSQL binaries, so
// not in `npm test`, which must pass on the embedded PostgreSQL too). One file at a time: each starts many
// processes or servers, too heavy beside other files on two cores.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/support/global-setup.ts"],
    include: ["test/scale/**/*.scale.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ["default"],
  },
});
