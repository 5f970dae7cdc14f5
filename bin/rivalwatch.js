#!/usr/bin/env node
// `npx rivalwatch <command>`: the admin CLI (src/cli/main.ts), run through tsx as `npm run cli` does.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
