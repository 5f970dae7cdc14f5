// Detection quality per archetype: how each strategy's alerts fall on each kind of customer.
// A false alert is one that is not a true positive (see `isTruePositive`); recall applies to
// archetypes whose customers leave.
import type { Archetype, GroundTruth } from "../src/simulator/index.ts";
import { archetypes } from "../src/simulator/index.ts";

const DAY = 86_400_000;

export type Alert = { customerId: string; at: number };

/** An alert on a leaver opened from 14 days before the leaving began to 30 days after they left. */
export function isTruePositive(alert: Alert, t: GroundTruth | undefined): boolean {
  if (!t?.defected || !t.defectionAt || !t.onsetAt) return false;
  return alert.at >= Date.parse(t.onsetAt) - 14 * DAY && alert.at <= Date.parse(t.defectionAt) + 30 * DAY;
}

export type ArchetypeFigures = {
  customers: number;
  leavers: number;
  alerts: number;
  falseAlerts: number;
  /** Leavers caught, as a share of leavers; null for archetypes that stay. */
  recall: number | null;
  /** False alerts per 1,000 customers of the archetype a week. */
  falseAlertsPer1000PerWeek: number;
};

export function figuresByArchetype(alerts: readonly Alert[], truth: readonly GroundTruth[], weeks: number) {
  const byId = new Map(truth.map((t) => [t.customerId, t]));
  const out = {} as Record<Archetype, ArchetypeFigures>;
  for (const a of archetypes) {
    const members = truth.filter((t) => t.archetype === a);
    out[a] = { customers: members.length, leavers: members.filter((t) => t.defected).length, alerts: 0, falseAlerts: 0, recall: null, falseAlertsPer1000PerWeek: 0 };
  }
  const caught = new Set<string>();
  for (const alert of alerts) {
    const t = byId.get(alert.customerId);
    if (!t) continue;
    const f = out[t.archetype];
    f.alerts++;
    if (isTruePositive(alert, t)) caught.add(t.customerId);
    else f.falseAlerts++;
  }
  for (const a of archetypes) {
    const f = out[a];
    if (f.leavers > 0) f.recall = round3(truth.filter((t) => t.archetype === a && caught.has(t.customerId)).length / f.leavers);
    f.falseAlertsPer1000PerWeek = f.customers > 0 && weeks > 0 ? round3(f.falseAlerts / (f.customers / 1000) / weeks) : 0;
  }
  return out;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** One row per archetype: the default pack's alerts, false alerts and recall, and each strategy's false alerts. */
export function archetypeTable(perStrategy: Record<string, Record<Archetype, ArchetypeFigures>>) {
  const rules = perStrategy.rules!;
  return Object.fromEntries(
    archetypes.map((a) => {
      const r = rules[a];
      const others = Object.fromEntries(Object.entries(perStrategy).filter(([s]) => s !== "rules").map(([s, f]) => [`${s} false`, f[a].falseAlerts]));
      return [a, { customers: r.customers, leavers: r.leavers, "pack alerts": r.alerts, "pack false": r.falseAlerts, "pack recall": r.recall ?? "", ...others }];
    }),
  );
}
