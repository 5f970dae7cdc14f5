import { z } from "zod";
import { AppError, zodIssuesToFieldErrors } from "../errors.ts";
import { MAX_BATCH, signalBatchSchema } from "./schema.ts";

/** The items of a request body: `{ signals: [...] }` or one bare signal. */
export function parseSignalBatch(body: unknown): unknown[] {
  const envelope = z.object({ signals: z.unknown() }).safeParse(body);
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
