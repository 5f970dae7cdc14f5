// Transactions that lose a race (a deadlock, a serialization failure) are run again here,
// inside the service, and never reach the caller as a 500. Rows are locked in one order
// (sorted keys) so deadlocks are rare; this is the net for the rest.

/** SQLSTATE 40001 serialization_failure, 40P01 deadlock_detected: safe to run the whole transaction again. */
const RETRYABLE = new Set(["40001", "40P01"]);

export const isRetryableConflict = (err: unknown) =>
  typeof err === "object" && err !== null && RETRYABLE.has((err as { code?: string }).code ?? "");

/** Runs `transaction` (which must be safe to repeat: a whole transaction) until it commits or fails otherwise. */
export async function retryConflicts<T>(transaction: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= attempts || !isRetryableConflict(err)) throw err;
      // Jittered, growing pause so the two sides of a deadlock do not meet again.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
    }
  }
}
