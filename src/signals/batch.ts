import { z } from "zod";
import { AppError, zodIssuesToFieldErrors } from "../errors.ts";
import { MAX_BATCH, signalBatchSchema } from "./schema.ts";

// Built once: zod compiles a schema on its first parse, so a schema made per request costs that every time.
const batchEnvelope = z.object({ signals: z.unknown() });

/** The items of a request body: `{ signals: [...] }` or one bare signal. */
export function parseSignalBatch(body: unknown): unknown[] {
  const envelope = batchEnvelope.safeParse(body);
  const parsed = envelope.success && envelope.data.signals !== undefined
    ? signalBatchSchema.options[0].safeParse(body)
    : signalBatchSchema.safeParse(body);
  if (!parsed.success) {
    throw new AppError(
      "validation_failed",
      `send { "signals": [ ... ] } with 1 to ${MAX_BATCH} signals, or one signal`,
      zodIssuesToFieldErrors(parsed.error.issues),
    );
  }
  return parsed.data.signals;
}
