// Instants the API takes: ISO 8601 with an offset, within a range PostgreSQL and the
// features can use. Year 0000 is no PostgreSQL year (it answered 500), and a purchase in
// 1900 or 9999 is a sender's bug that would otherwise sit in every window forever.
import { z } from "zod";

export const EARLIEST_INSTANT = new Date("1970-01-01T00:00:00Z");
/** Clocks disagree; a signal may be stamped a little ahead of ours, not more. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
/** Far-future instants (a snooze, a campaign's end) stop here. */
export const LATEST_INSTANT = new Date("2100-01-01T00:00:00Z");

const iso = z.iso.datetime({ offset: true });
const inRange = (earliest: Date, latest: () => Date) => (s: string) => {
  const t = new Date(s).getTime();
  // Not a date at all: the ISO check has said so already, once is enough.
  if (Number.isNaN(t)) return true;
  return t >= earliest.getTime() && t <= latest().getTime();
};

/**
 * Something that happened (occurredAt, a period, asOf and date filters): not before 1970 nor
 * after 2100 here; "not more than a day ahead of now" is judged against the service's clock
 * where one is at hand (`aheadOfClock`, in ingest), since a replay or a test pins that clock.
 */
export const pastInstant = iso.refine(inRange(EARLIEST_INSTANT, () => LATEST_INSTANT), {
  message: "must be between 1970-01-01 and 2100-01-01",
});

/** The error for an instant further ahead of `now` than clocks may disagree, or null. */
export function aheadOfClock(at: Date, now: Date): string | null {
  return at.getTime() > now.getTime() + MAX_FUTURE_MS ? "must not be more than one day ahead of now" : null;
}

/** A moment that may lie ahead (a snooze, a campaign's window): between 1970 and 2100. */
export const instant = iso.refine(inRange(EARLIEST_INSTANT, () => LATEST_INSTANT), {
  message: "must be between 1970-01-01 and 2100-01-01",
});
