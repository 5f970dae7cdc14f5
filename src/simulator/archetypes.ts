// The customer archetypes the simulator draws from, with their parameters in one place.
//
// | archetype      | share | own purchases (mean days between, λ ~ Gamma(6, ·)) | basket (KRW, Gamma-Gamma mean) | competitor signals | ground truth |
// |----------------|-------|----------------------------------------------------|--------------------------------|--------------------|--------------|
// | loyal_vip      | 10%   | every 9 days, all the way                          | 90,000                         | none               | stays        |
// | defecting_vip  |  6%   | every 9 days; from onset (28–70 days before the defection) frequency falls to 30% and basket to 60%; none after the defection | 90,000 → 54,000 | weekly app usage from onset, 1 → 2–4 apps, minutes growing; competitor purchases every 21 → 5 days, 30,000–120,000 | defected, with the date (uniform in [max(90, 35% of days), days − 7]) |
// | seasonal       | 12%   | every 6 days inside two 30-day seasons (May, late November), 5% of that outside | 60,000    | none               | stays        |
// | one_time       | 25%   | one purchase on a uniform day                      | 40,000                         | none               | stays        |
// | browsing_vip   |  7%   | every 10 days, all the way                         | 100,000                        | noisy but harmless: each week 30% chance of usage of 1–3 apps; small competitor purchases every ~45 days, 10,000–40,000 | stays (false-positive bait) |
// | tier_changer   | 10%   | half rise (every 40 → 8 days after a change day), half cool down (every 8 → 30 days) | 60,000 | none     | stays        |
// | casual         | 30%   | pure BG/NBD: λ ~ Gamma(1.5, rate 45) per day (mean every 30 days), dropout p ~ Beta(1, 6) after each purchase | 35,000 | none | stays; the quiet dropout day is kept as `lapsedAt` |
//
// Everyone also has own sessions (VIPs about 1 a week, others about 2 a month; defectors'
// fade with their purchases) and rare support tickets (1 per 180 days; 30% of defectors
// file a negative medium/high one during their slide). Basket sizes follow Gamma-Gamma:
// ν ~ Gamma(q = 4, rate γ), each order ~ Gamma(p = 6, rate ν), γ = mean · (q − 1) / p.
export const archetypes = ["loyal_vip", "defecting_vip", "seasonal", "one_time", "browsing_vip", "tier_changer", "casual"] as const;
export type Archetype = (typeof archetypes)[number];

export type ArchetypeParams = {
  share: number;
  /** Mean days between own purchases (the customer's λ is drawn around 1 / this). */
  intervalDays: number;
  /** Mean order value in KRW. */
  basketKrw: number;
  /** Own sessions per day. */
  sessionsPerDay: number;
};

export const archetypeParams: Record<Archetype, ArchetypeParams> = {
  loyal_vip: { share: 0.1, intervalDays: 9, basketKrw: 90_000, sessionsPerDay: 1 / 7 },
  defecting_vip: { share: 0.06, intervalDays: 9, basketKrw: 90_000, sessionsPerDay: 1 / 7 },
  seasonal: { share: 0.12, intervalDays: 6, basketKrw: 60_000, sessionsPerDay: 2 / 30 },
  one_time: { share: 0.25, intervalDays: Infinity, basketKrw: 40_000, sessionsPerDay: 0 },
  browsing_vip: { share: 0.07, intervalDays: 10, basketKrw: 100_000, sessionsPerDay: 1 / 7 },
  tier_changer: { share: 0.1, intervalDays: 8, basketKrw: 60_000, sessionsPerDay: 2 / 30 },
  casual: { share: 0.3, intervalDays: 30, basketKrw: 35_000, sessionsPerDay: 2 / 30 },
};

/** Defectors: how the slide before the defection looks. */
export const defection = {
  /** Days from onset (first competitor signal) to the defection, uniform. */
  onsetDaysBefore: [28, 70] as const,
  /** Own frequency and basket at the end of the slide, as a fraction of normal. */
  frequencyAtEnd: 0.3,
  basketAtEnd: 0.6,
  /** Distinct competitor apps reached by the end of the slide. */
  maxApps: [2, 3, 3, 4] as const,
  /** Competitor purchases every this many days, from onset to the defection and after. */
  competitorPurchaseEveryDays: [21, 5] as const,
  competitorPurchaseKrw: [30_000, 120_000] as const,
  /** Share who file a negative medium/high ticket during the slide. */
  ticketShare: 0.3,
};

export const seasons = [
  { centreDayOfYear: 135, halfWidthDays: 15 },
  { centreDayOfYear: 330, halfWidthDays: 15 },
];

export const rivals = [
  { competitor: "rival-beauty", app: "Rival Beauty" },
  { competitor: "glowmall", app: "GlowMall" },
  { competitor: "skinnow", app: "SkinNow" },
  { competitor: "oliveplus", app: "Olive Plus" },
] as const;

export const categories = ["skincare", "makeup", "haircare", "fragrance"] as const;

/** Archetype i of n customers: shares are met exactly (largest remainder), then shuffled by the caller's seed. */
export function archetypeCounts(n: number): Record<Archetype, number> {
  const exact = archetypes.map((a) => archetypeParams[a].share * n);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    counts[i]!++;
    left--;
  }
  return Object.fromEntries(archetypes.map((a, i) => [a, counts[i]!])) as Record<Archetype, number>;
}
