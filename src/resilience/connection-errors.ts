// Errors that mean "a backing service is away", not "this request is wrong": the caller
// gets 503 with Retry-After and may send the same request again (signal ids make it safe).

/** postgres.js connection codes, Node socket codes, PostgreSQL SQLSTATEs of a dropped or refused session. */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECTION_ENDED", "CONNECT_TIMEOUT",
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT",
  "57P01", "57P02", "57P03", "53300",
]);

export function isConnectionLoss(err: unknown): boolean {
  // drizzle wraps the driver's error (DrizzleQueryError) and keeps it as the cause.
  for (let e = err, depth = 0; typeof e === "object" && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // SQLSTATE class 08: connection exception.
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  }
  return false;
}
