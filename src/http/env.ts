import type { Principal } from "../workspaces/api-keys.ts";
import type { Deps } from "../deps.ts";

export type AppEnv = { Variables: { requestId: string; principal: Principal; deps: Deps; readOnly?: boolean } };
