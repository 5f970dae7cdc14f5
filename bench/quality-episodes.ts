// Which of the service's alerts one alert per risk episode would not have opened, on captured
// replays of code without it (bench/quality-capture.ts):
//
//   npx tsx bench/quality-episodes.ts <seed> [customers] [days]
//
// An alert is "in the same episode" when the customer has not bought since the previous
// alert kept for them opened (their last purchase as the capture saw it on the alert's day),
// and it is no more severe than that alert. Offline and approximate: an alert not opened
// would have left the customer free for another a little sooner; the service's own run
// (`npm run bench -- quality`) is the measure. Prints what is dropped, by archetype and by
// whether the bench counts it right, and the figures with and without it; first, where the
// service's wrong alerts on leavers fall.
import { captureFromArgs, capturedFactAt } from "./quality-capture.ts";
import { score } from "./quality.ts";
import { figuresByArchetype, isTruePositive } from "./quality-report.ts";
import { severities } from "../db/scoring-schema.ts";

const { seed, customers, days, capture } = captureFromArgs();
const truth = new Map(capture.truth.map((t) => [t.customerId, t]));
const factAt = capturedFactAt(capture);
/** The customer's last purchase as of the last daily pass at or before `at`. */
const lastPurchaseAt = (customerId: string, at: number) => factAt(customerId, at, "lastPurchaseAt");
const rank = (s: string | undefined) => (s === undefined ? -1 : severities.indexOf(s as (typeof severities)[number]));

function episodes(withEscalation: boolean) {
  const previous = new Map<string, { at: number; severity: string | undefined }>();
  const kept: typeof capture.serviceAlerts = [];
  const dropped: typeof capture.serviceAlerts = [];
  for (const a of capture.serviceAlerts) {
    const before = previous.get(a.customerId);
    const bought = before === undefined || lastPurchaseAt(a.customerId, a.at) > before.at;
    const escalates = withEscalation && before !== undefined && rank(a.severity) > rank(before.severity);
    if (!bought && !escalates) {
      dropped.push(a);
      continue;
    }
    previous.set(a.customerId, { at: a.at, severity: a.severity });
    kept.push(a);
  }
  return { kept, dropped };
}

const weeks = (days - capture.service.sizes.warmupDays) / 7;
const figures = (alerts: typeof capture.serviceAlerts) => {
  const f = score(alerts, capture.truth, customers, weeks);
  return { alerts: f.alerts, precision: f.precision, recall: f.recall, medianLeadDays: f.medianLeadDays };
};
/** Per archetype with any: the alerts not opened, right and wrong. */
const droppedByArchetype = (dropped: typeof capture.serviceAlerts) =>
  Object.fromEntries(
    Object.entries(figuresByArchetype(dropped, capture.truth, weeks))
      .filter(([, f]) => f.alerts > 0)
      .map(([a, f]) => [a, { right: f.alerts - f.falseAlerts, wrong: f.falseAlerts }]),
  );

// Where the service's wrong alerts on leavers fall: before their window or after it, and how
// many of the late ones came to customers already alerted rightly.
const DAY = 86_400_000;
const wrongOnLeavers = capture.serviceAlerts.filter((a) => truth.get(a.customerId)?.defected && !isTruePositive(a, truth.get(a.customerId)));
const late = wrongOnLeavers.filter((a) => a.at > Date.parse(truth.get(a.customerId)!.defectionAt!));
const caughtBefore = late.filter((a) => capture.serviceAlerts.some((b) => b.customerId === a.customerId && b.at < a.at && isTruePositive(b, truth.get(b.customerId))));
const daysAfter = late.map((a) => (a.at - Date.parse(truth.get(a.customerId)!.defectionAt!)) / DAY);

const hasSeverity = capture.serviceAlerts.every((a) => a.severity !== undefined);
console.log(`seed ${seed}, ${customers} × ${days}: the service's alerts`, figures(capture.serviceAlerts));
console.log("their wrong alerts on leavers:", {
  all: wrongOnLeavers.length,
  afterLeaving: late.length,
  afterLeavingAndAlertedRightlyBefore: caughtBefore.length,
  daysAfterLeaving: late.length > 0 ? [Math.min(...daysAfter), Math.max(...daysAfter)].map((d) => +d.toFixed(1)) : null,
});
for (const withEscalation of hasSeverity ? [true, false] : [false]) {
  const { kept, dropped } = episodes(withEscalation);
  console.log(withEscalation ? "one alert per episode, a more severe match alerts again:" : "one alert per episode (no severity exception):", figures(kept));
  console.table(droppedByArchetype(dropped));
}
if (!hasSeverity) console.log("(this capture predates severities in captures: the severity exception is not evaluated)");
