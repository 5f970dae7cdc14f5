// Quiet hours in the customer's own timezone: a send that falls inside them waits for the
// end of the window (e.g. 21:00–08:00 → the next 08:00 local).
function localParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** The UTC instant of a wall-clock time in `timeZone` (two passes settle DST edges). */
export function zonedTime(timeZone: string, y: number, m: number, d: number, h: number): Date {
  const want = Date.UTC(y, m - 1, d, h);
  let guess = want;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), timeZone);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess += want - seen;
  }
  return new Date(guess);
}

export function localHour(at: Date, timeZone: string): number {
  return localParts(at, timeZone).hour;
}

/** `now` when outside quiet hours, else the end of the quiet window in the customer's timezone. */
export function nextSendTime(now: Date, timeZone: string, quiet: { start: number; end: number } | null): Date {
  if (!quiet || quiet.start === quiet.end) return now;
  const p = localParts(now, timeZone);
  const inQuiet = quiet.start > quiet.end ? p.hour >= quiet.start || p.hour < quiet.end : p.hour >= quiet.start && p.hour < quiet.end;
  if (!inQuiet) return now;
  // Past midnight already (or a same-day window): today's end; before midnight: tomorrow's.
  const tomorrow = quiet.start > quiet.end && p.hour >= quiet.start;
  const day = new Date(Date.UTC(p.year, p.month - 1, p.day + (tomorrow ? 1 : 0)));
  return zonedTime(timeZone, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), quiet.end);
}
