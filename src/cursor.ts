// Opaque page cursors: the sort key of the last row, as base64url JSON. A cursor that does
// not decode to the expected shape is the caller's mistake, answered as a field error.
import type { z } from "zod";
import { AppError } from "./errors.ts";

export const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString("base64url");

export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string | undefined): z.infer<S> | null {
  if (!cursor) return null;
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new AppError("validation_failed", "cursor is not one this API returned", [{ path: "cursor", message: "invalid cursor" }]);
  }
}
