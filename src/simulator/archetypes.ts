// The customer archetypes the simulator draws from, with their parameters in one place.
//
// | archetype      | share (base) | own purchases (mean days between, λ ~ Gamma(6, ·)) | competitor signals (only for customers the panels cover) | ground truth |
// |----------------|------|-----------------------------------------------------|--------------------|--------------|
// | loyal_vip      |  8%  | every ~9 days, all the way                          | none               | stays        |
// | defecting_vip  |  4%  | every ~9 days; from onset (28–70 days before the defection) frequency falls to 30% and basket to 60%; none after | weekly app usage from onset, 1 → 2–4 apps, minutes growing; competitor purchases every 21 → 5 days | left (to a rival), with the date |
// | fading_vip     |  2%  | every ~9 days; from onset frequency, basket and sessions fade to nothing over 30–90 days | none at all        | left (quietly), the day the fade ends |
// | support_leaver |  1.5%| every ~9 days until a bad support experience (1–2 negative high/critical tickets), then 1–3 more weeks of thinning purchases and nothing | half of them start using a rival app afterwards | left, the day of their last purchase |
// | price_comparer |  8%  | every ~10 days, all the way, spend stable           | compares at rivals from a day before or during the run: weekly app usage (1–3 apps, most weeks), competitor purchases every 15–40 days | stays (false-positive bait) |
// | seasonal       | 12%  | inside the brand's 1–3 seasons every ~6 days, outside at 2–10% of that | none               | stays        |
// | one_time       | 22%  | one purchase on a uniform day                       | none               | stays        |
// | browsing_vip   |  5%  | every ~10 days, all the way                         | each week 30% chance of usage of 1–3 apps; small competitor purchases every ~45 days | stays (false-positive bait) |
// | tier_changer   |  8%  | half rise (every 40 → 8 days after a change day), half cool down (every 8 → 30 days) | none | stays |
// | casual         | 29.5%| pure BG/NBD: mean every 30 days, dropout p ~ Beta(1, 6) after each purchase | none | stays; the quiet dropout day is kept as `lapsedAt` |
//
// A seed is a brand: `drawBrand` randomises the archetype mix (each base share × a
// log-normal factor, renormalised), the panels' coverage (30–60% of customers each, drawn
// independently for the app panel and the card panel), how late the app panel reports
// (0 to 2–14 days after the week it covers), the panels' confidence, the share of own
// sessions that never reach the service (0–30%), the basket level (× 0.6–1.7), the VIPs'
// pace (× 0.75–1.4), the seasons (1–3 of 10–25 days either side of a random day) and the
// rivals (3–6 of a pool of 6). Everyone has rare support tickets (1 per 180 days).
// Basket sizes follow Gamma-Gamma: ν ~ Gamma(q = 4, rate γ), each order ~ Gamma(p = 6, rate
// ν), γ = mean · (q − 1) / p.
import { Rng } from "../model/synthetic.ts";

export const archetypes = [
  "loyal_vip",
  "defecting_vip",
  "fading_vip",
  "support_leaver",
  "price_comparer",
  "seasonal",
  "one_time",
  "browsing_vip",
  "tier_changer",
  "casual",
] as const;
export type Archetype = (typeof archetypes)[number];

/** Archetypes whose customers leave (ground truth `defected`). */
export const leavingArchetypes: readonly Archetype[] = ["defecting_vip", "fading_vip", "support_leaver"];

export type ArchetypeParams = {
  /** Share of customers before a brand's variation. */
  share: number;
  /** Mean days between own purchases (the customer's λ is drawn around 1 / this). */
  intervalDays: number;
  /** Mean order value in KRW (before the brand's basket level). */
  basketKrw: number;
  /** Own sessions per day. */
  sessionsPerDay: number;
};

export const archetypeParams: Record<Archetype, ArchetypeParams> = {
  loyal_vip: { share: 0.08, intervalDays: 9, basketKrw: 90_000, sessionsPerDay: 1 / 7 },
  defecting_vip: { share: 0.04, intervalDays: 9, basketKrw: 90_000, sessionsPerDay: 1 / 7 },
  fading_vip: { share: 0.02, intervalDays: 9, basketKrw: 90_000, sessionsPerDay: 1 / 7 },
  support_leaver: { share: 0.015, intervalDays: 9, basketKrw: 90_000, sessionsPerDay: 1 / 7 },
  price_comparer: { share: 0.08, intervalDays: 10, basketKrw: 90_000, sessionsPerDay: 1 / 7 },
  seasonal: { share: 0.12, intervalDays: 6, basketKrw: 60_000, sessionsPerDay: 2 / 30 },
  one_time: { share: 0.22, intervalDays: Infinity, basketKrw: 40_000, sessionsPerDay: 0 },
  browsing_vip: { share: 0.05, intervalDays: 10, basketKrw: 100_000, sessionsPerDay: 1 / 7 },
  tier_changer: { share: 0.08, intervalDays: 8, basketKrw: 60_000, sessionsPerDay: 2 / 30 },
  casual: { share: 0.295, intervalDays: 30, basketKrw: 35_000, sessionsPerDay: 2 / 30 },
};

/** Defectors to a rival: how the slide before the defection looks. */
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

/** Quiet faders: days from the start of the fade to the last purchase, uniform. */
export const fade = { days: [30, 90] as const };

/** Leavers after a bad support experience. */
export const supportExit = {
  /** Days from the first bad ticket to the last purchase, uniform. */
  lastPurchaseWithinDays: [7, 21] as const,
  /** Share who also start using a rival app afterwards (when the panel covers them). */
  rivalShare: 0.5,
};

/** Price comparers: how much they look at rivals while staying. */
export const comparing = {
  /** Chance of a week with app usage reported. */
  weeklyUsage: 0.7,
  apps: [1, 3] as const,
  minutes: [10, 80] as const,
  /** Competitor purchases every this many days (per customer, uniform), of this size. */
  purchaseEveryDays: [15, 40] as const,
  purchaseKrw: [10_000, 60_000] as const,
};

export type Season = { centreDayOfYear: number; halfWidthDays: number };

/** The rivals a brand's customers may use; a brand meets 3–6 of them. */
export const rivalPool = [
  { competitor: "rival-beauty", app: "Rival Beauty" },
  { competitor: "glowmall", app: "GlowMall" },
  { competitor: "skinnow", app: "SkinNow" },
  { competitor: "oliveplus", app: "Olive Plus" },
  { competitor: "dewshop", app: "Dew Shop" },
  { competitor: "beautyk", app: "BeautyK" },
] as const;
export type Rival = (typeof rivalPool)[number];
/** The first four rivals (what brands used before variation). */
export const rivals = rivalPool.slice(0, 4);

export const categories = ["skincare", "makeup", "haircare", "fragrance"] as const;

/** What makes one simulated brand unlike another. Every field can be set; the rest is drawn from the seed. */
export type Brand = {
  /** Share of each archetype (sums to 1). */
  shares: Record<Archetype, number>;
  /** Share of customers the app-usage panel covers (0–1). */
  appPanelCoverage: number;
  /** Share of customers the card (competitor purchase) panel covers (0–1). */
  cardPanelCoverage: number;
  /** The app panel reports a week's usage up to this many days after the week ends. */
  appReportDelayDays: number;
  /** Confidence the panels state: app panel uniform in [lo, hi], card panel fixed. */
  appConfidence: readonly [number, number];
  cardConfidence: number;
  /** Share of own sessions lost before they reach the service. */
  sessionLoss: number;
  /** Multiplies every archetype's basket. */
  basketScale: number;
  /** Multiplies the VIP archetypes' days between purchases. */
  vipPaceScale: number;
  /** Off-season purchase rate of seasonal buyers, as a share of their in-season rate. */
  offSeasonRate: number;
  seasons: readonly Season[];
  rivals: readonly Rival[];
};

/** The brand every earlier run simulated: base shares, full panels, no delays or losses. */
export const plainBrand: Brand = {
  shares: Object.fromEntries(archetypes.map((a) => [a, archetypeParams[a].share])) as Record<Archetype, number>,
  appPanelCoverage: 1,
  cardPanelCoverage: 1,
  appReportDelayDays: 0,
  appConfidence: [0.6, 0.95],
  cardConfidence: 0.9,
  sessionLoss: 0,
  basketScale: 1,
  vipPaceScale: 1,
  offSeasonRate: 0.05,
  seasons: [
    { centreDayOfYear: 135, halfWidthDays: 15 },
    { centreDayOfYear: 330, halfWidthDays: 15 },
  ],
  rivals,
};

/** A brand drawn from a seed, with `fixed` overriding any drawn part. */
export function drawBrand(rng: Rng, fixed: Partial<Brand> = {}): Brand {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const raw = archetypes.map((a) => archetypeParams[a].share * Math.exp(0.5 * rng.normal()));
  const total = raw.reduce((s, x) => s + x, 0);
  const shares = Object.fromEntries(archetypes.map((a, i) => [a, raw[i]! / total])) as Record<Archetype, number>;
  const appPanelCoverage = u(0.3, 0.6);
  const cardPanelCoverage = u(0.3, 0.6);
  const appReportDelayDays = Math.round(u(2, 14));
  const lo = u(0.4, 0.7);
  const appConfidence = [Math.round(lo * 100) / 100, Math.round(u(lo + 0.1, 0.98) * 100) / 100] as const;
  const cardConfidence = Math.round(u(0.7, 0.95) * 100) / 100;
  const sessionLoss = u(0, 0.3);
  const basketScale = Math.exp(u(Math.log(0.6), Math.log(1.7)));
  const vipPaceScale = u(0.75, 1.4);
  const offSeasonRate = u(0.02, 0.1);
  const nSeasons = 1 + Math.floor(rng.uniform() * 3);
  const seasons = Array.from({ length: nSeasons }, () => ({ centreDayOfYear: Math.floor(u(0, 365)), halfWidthDays: Math.round(u(10, 25)) }));
  const pool = [...rivalPool];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const brandRivals = pool.slice(0, 3 + Math.floor(rng.uniform() * 4));
  return {
    shares,
    appPanelCoverage,
    cardPanelCoverage,
    appReportDelayDays,
    appConfidence,
    cardConfidence,
    sessionLoss,
    basketScale,
    vipPaceScale,
    offSeasonRate,
    seasons,
    rivals: brandRivals,
    ...fixed,
  };
}

/** Archetype counts for n customers: shares met exactly (largest remainder), then shuffled by the caller's seed. */
export function archetypeCounts(n: number, shares: Record<Archetype, number> = plainBrand.shares): Record<Archetype, number> {
  const exact = archetypes.map((a) => shares[a] * n);
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
