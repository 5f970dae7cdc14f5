// The customer simulator: a workspace's worth of signals in time order, and the ground
// truth of who left and when. Pure and deterministic for (customers, days, seed, start,
// brand): the seed first draws a brand (archetype mix, panel coverage, delays, noise; see
// ./archetypes.ts), then each customer draws from its own generator seeded from (seed,
// index), so customer k is the same whatever N is.
import { Rng } from "../model/synthetic.ts";
import type { SignalInput } from "../signals/schema.ts";
import {
  archetypeCounts,
  archetypeParams,
  archetypes,
  categories,
  comparing,
  defection,
  drawBrand,
  fade,
  supportExit,
  type Archetype,
  type Brand,
  type Rival,
} from "./archetypes.ts";

const DAY = 86_400_000;

export type GroundTruth = {
  customerId: string;
  archetype: Archetype;
  /** The customer leaves (to a rival, quietly, or after bad support). */
  defected: boolean;
  /** The day the leaver stops buying (ISO); null for everyone else. */
  defectionAt: string | null;
  /** When the leaving began (ISO): first competitor use, start of the fade, or the bad ticket. */
  onsetAt: string | null;
  /** A casual customer's quiet BG/NBD dropout (ISO), not a defection. */
  lapsedAt: string | null;
  /** Own spend expected over a year at the customer's normal rate (KRW): what a defection puts at risk. */
  annualValue: number;
};

export type SimulationOptions = {
  customers: number;
  days: number;
  seed: number;
  /** First day of the simulation (UTC midnight); default 2025-01-01. */
  start?: Date;
  /** Customer id prefix (default "sim"). */
  prefix?: string;
  /** Parts of the brand to fix; the rest is drawn from the seed (`plainBrand` fixes all of it). */
  brand?: Partial<Brand>;
};

export type Simulation = {
  start: Date;
  end: Date;
  /** The brand simulated. */
  brand: Brand;
  /** Every signal, ordered by occurredAt (ties by id). */
  signals: SignalInput[];
  truth: GroundTruth[];
};

type Event = { at: number; signal: SignalInput };

export const DEFAULT_START = new Date("2025-01-01T00:00:00Z");

export function simulate(opts: SimulationOptions): Simulation {
  const { customers, days, seed } = opts;
  if (!(Number.isInteger(customers) && customers >= 1)) throw new Error("simulate: customers must be a positive whole number");
  if (!(Number.isInteger(days) && days >= 30)) throw new Error("simulate: days must be a whole number ≥ 30");
  const start = new Date(Math.floor((opts.start ?? DEFAULT_START).getTime() / DAY) * DAY);
  const prefix = opts.prefix ?? "sim";
  const brand = drawBrand(new Rng(mix(seed, 0x5eed)), opts.brand);
  const kinds = assignArchetypes(customers, seed, brand);
  const events: Event[] = [];
  const truth: GroundTruth[] = [];
  for (let i = 0; i < customers; i++) {
    const customerId = `${prefix}-${String(i + 1).padStart(6, "0")}`;
    const rng = new Rng(mix(seed, i + 1));
    const c = new CustomerSim(rng, customerId, kinds[i]!, start.getTime(), days, events, brand);
    truth.push(c.run());
  }
  events.sort((a, b) => a.at - b.at || (a.signal.id < b.signal.id ? -1 : a.signal.id > b.signal.id ? 1 : 0));
  return { start, end: new Date(start.getTime() + days * DAY), brand, signals: events.map((e) => e.signal), truth };
}

/** Exact shares, shuffled by the seed (Fisher–Yates). */
function assignArchetypes(n: number, seed: number, brand: Brand): Archetype[] {
  const counts = archetypeCounts(n, brand.shares);
  const out: Archetype[] = [];
  for (const a of archetypes) for (let k = 0; k < counts[a]; k++) out.push(a);
  const rng = new Rng(mix(seed, 0));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function mix(seed: number, i: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(i, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const GG_P = 6;
const GG_Q = 4;
const VIPS = new Set<Archetype>(["loyal_vip", "defecting_vip", "fading_vip", "support_leaver", "price_comparer", "browsing_vip"]);

class CustomerSim {
  private seq = 0;
  private readonly params;
  /** Gamma-Gamma rate ν of this customer's order values. */
  private readonly nu: number;
  private readonly lambda: number;
  private readonly category: string;
  /** Whether the brand's panels cover this customer: no competitor evidence otherwise. */
  private readonly onAppPanel: boolean;
  private readonly onCardPanel: boolean;

  constructor(
    private readonly rng: Rng,
    private readonly id: string,
    private readonly kind: Archetype,
    private readonly start: number,
    private readonly days: number,
    private readonly out: Event[],
    private readonly brand: Brand,
  ) {
    this.params = archetypeParams[kind];
    const gamma = (this.params.basketKrw * brand.basketScale * (GG_Q - 1)) / GG_P;
    this.nu = rng.gamma(GG_Q, gamma);
    // Casual customers are the heterogeneous BG/NBD crowd; the others are steadier.
    const shape = kind === "casual" ? 1.5 : 6;
    const interval = this.params.intervalDays * (VIPS.has(kind) ? brand.vipPaceScale : 1);
    this.lambda = Number.isFinite(interval) ? rng.gamma(shape, shape * interval) : 0;
    this.category = categories[Math.floor(rng.uniform() * categories.length)]!;
    this.onAppPanel = rng.uniform() < brand.appPanelCoverage;
    this.onCardPanel = rng.uniform() < brand.cardPanelCoverage;
  }

  run(): GroundTruth {
    const { rng, days } = this;
    const truth: GroundTruth = {
      customerId: this.id,
      archetype: this.kind,
      defected: false,
      defectionAt: null,
      onsetAt: null,
      lapsedAt: null,
      annualValue: Math.round(this.lambda * 365 * this.meanBasket()),
    };
    const session = (rate: (d: number) => number) =>
      this.poisson(0, days, this.params.sessionsPerDay, rate, (d) => this.session(d));
    const leave = (onsetDay: number, lastDay: number) => {
      truth.defected = true;
      truth.defectionAt = this.iso(lastDay);
      truth.onsetAt = this.iso(onsetDay);
    };
    switch (this.kind) {
      case "loyal_vip":
      case "browsing_vip":
      case "price_comparer": {
        this.poisson(0, days, this.lambda, () => 1, (d) => this.purchase(d, 1));
        session(() => 1);
        if (this.kind === "browsing_vip") this.browseCompetitors();
        if (this.kind === "price_comparer") this.compareAtRivals();
        break;
      }
      case "defecting_vip": {
        const defDay = this.leavingDay();
        const [a, b] = defection.onsetDaysBefore;
        const onsetDay = Math.max(1, defDay - (a + rng.uniform() * (b - a)));
        const progress = (d: number) => (d <= onsetDay ? 0 : d >= defDay ? 1 : (d - onsetDay) / (defDay - onsetDay));
        const freq = (d: number) => (d >= defDay ? 0 : 1 - (1 - defection.frequencyAtEnd) * progress(d));
        this.poisson(0, days, this.lambda, freq, (d) => this.purchase(d, 1 - (1 - defection.basketAtEnd) * progress(d)));
        session((d) => (d >= defDay ? 0.1 : freq(d)));
        this.defectToCompetitors(onsetDay, defDay, progress);
        leave(onsetDay, defDay);
        break;
      }
      case "fading_vip": {
        // Frequency, basket and sessions fade linearly to nothing; no competitor evidence at all.
        const endDay = this.leavingDay();
        const [a, b] = fade.days;
        const onsetDay = Math.max(1, endDay - (a + rng.uniform() * (b - a)));
        const left = (d: number) => (d <= onsetDay ? 1 : d >= endDay ? 0 : 1 - (d - onsetDay) / (endDay - onsetDay));
        this.poisson(0, days, this.lambda, left, (d) => this.purchase(d, 0.5 + 0.5 * left(d)));
        session((d) => Math.max(0.05, left(d)));
        leave(onsetDay, endDay);
        break;
      }
      case "support_leaver": {
        const ticketDay = this.leavingDay() - 14;
        const [a, b] = supportExit.lastPurchaseWithinDays;
        const lastDay = Math.min(days - 1, ticketDay + a + rng.uniform() * (b - a));
        // Buying as usual, then thinning after the ticket, then nothing.
        this.poisson(0, days, this.lambda, (d) => (d < ticketDay ? 1 : d < lastDay ? 0.5 : 0), (d) => this.purchase(d, 1));
        this.purchase(Math.min(lastDay, ticketDay + 1 + rng.uniform() * 3), 1);
        session((d) => (d < ticketDay ? 1 : d < lastDay ? 0.5 : 0.05));
        this.ticket(ticketDay, rng.uniform() < 0.3 ? "critical" : "high", "negative");
        if (rng.uniform() < 0.6) this.ticket(ticketDay + 1 + rng.uniform() * 6, "high", "negative");
        if (rng.uniform() < supportExit.rivalShare) {
          const rival = this.brand.rivals[Math.floor(rng.uniform() * this.brand.rivals.length)]!;
          for (let d = lastDay + rng.uniform() * 7; d < days; d += 7) this.appUsage(d, rival, 30 + 90 * rng.uniform());
        }
        leave(ticketDay, lastDay);
        break;
      }
      case "seasonal": {
        const off = this.brand.offSeasonRate;
        this.poisson(0, days, this.lambda, (d) => (this.inSeason(d) ? 1 : off), (d) => this.purchase(d, 1));
        session((d) => (this.inSeason(d) ? 3 : 0.5));
        // A year's value: the seasons plus the trickle outside.
        const inDays = this.brand.seasons.reduce((s, x) => s + 2 * x.halfWidthDays, 0);
        truth.annualValue = Math.round(this.lambda * (inDays + (365 - inDays) * off) * this.meanBasket());
        break;
      }
      case "one_time": {
        const d = rng.uniform() * days;
        this.purchase(d, 1);
        const extra = Math.floor(rng.uniform() * 3);
        for (let k = 0; k < extra; k++) this.session(Math.max(0, d - rng.uniform() * 3));
        truth.annualValue = 0;
        break;
      }
      case "tier_changer": {
        const changeDay = days * (0.3 + 0.5 * rng.uniform());
        const rising = rng.uniform() < 0.5;
        const [from, to] = rising ? [40, this.params.intervalDays] : [this.params.intervalDays, 30];
        // Interval moves from `from` to `to` over 30 days after the change day.
        const interval = (d: number) => from + (to - from) * Math.min(1, Math.max(0, (d - changeDay) / 30));
        const max = 1 / Math.min(from, to);
        const lam = this.lambda * this.params.intervalDays; // the customer's own speed, 1 on average
        this.poisson(0, days, max * lam, (d) => Math.min(from, to) / interval(d), (d) => this.purchase(d, 1));
        session(() => 1);
        truth.annualValue = Math.round((lam / to) * 365 * this.meanBasket());
        break;
      }
      case "casual": {
        // BG/NBD: acquisition, Poisson purchases, dropout with probability p after each.
        const p = rng.beta(1, 6);
        let t = rng.uniform() * days * 0.7;
        this.purchase(t, 1);
        let lapsed: number | null = null;
        for (;;) {
          if (rng.uniform() < p) {
            lapsed = t;
            break;
          }
          t += rng.exponential(this.lambda);
          if (t >= days) break;
          this.purchase(t, 1);
        }
        this.poisson(0, lapsed ?? days, this.params.sessionsPerDay, () => 1, (d) => this.session(d));
        if (lapsed !== null) truth.lapsedAt = this.iso(lapsed);
        break;
      }
    }
    // Rare support tickets for everyone.
    this.poisson(0, days, 1 / 180, () => 1, (d) => this.ticket(d, rng.uniform() < 0.2 ? "high" : "low", rng.uniform() < 0.3 ? "negative" : "neutral"));
    return truth;
  }

  /** The day a leaver stops buying: uniform in [max(90, 35% of the run), days − 7]. */
  private leavingDay() {
    const lo = Math.max(90, Math.floor(this.days * 0.35));
    return Math.min(this.days - 7, lo + this.rng.uniform() * Math.max(0, this.days - 7 - lo));
  }

  private meanBasket() {
    return GG_P / this.nu;
  }

  private inSeason(d: number) {
    const at = this.start + d * DAY;
    const doy = (at - Date.UTC(new Date(at).getUTCFullYear(), 0, 1)) / DAY;
    return this.brand.seasons.some((s) => {
      const gap = Math.abs(doy - s.centreDayOfYear);
      return Math.min(gap, 365 - gap) <= s.halfWidthDays;
    });
  }

  /** Poisson events at `rate` per day on [from, to), thinned by `keep(day)` ∈ [0, ≥1]. */
  private poisson(from: number, to: number, rate: number, keep: (d: number) => number, emit: (d: number) => void) {
    if (!(rate > 0)) return;
    // keep may exceed 1 (sessions in season): scale the proposal rate up by its ceiling.
    const ceiling = 3;
    const proposal = rate * ceiling;
    for (let t = from + this.rng.exponential(proposal); t < to; t += this.rng.exponential(proposal)) {
      if (this.rng.uniform() * ceiling < keep(t)) emit(t);
    }
  }

  private iso(d: number) {
    return new Date(this.start + Math.round(d * DAY)).toISOString();
  }

  private nextId(kind: string) {
    return `${this.id}-${kind}${++this.seq}`;
  }

  private push(d: number, signal: SignalInput) {
    if (d < 0 || d > this.days) return;
    const at = this.start + Math.round(d * DAY);
    this.out.push({ at, signal: { ...signal, occurredAt: new Date(at).toISOString() } as SignalInput });
  }

  private purchase(d: number, basketFactor: number) {
    const orderId = this.nextId("o");
    const amount = Math.max(1_000, Math.round((this.rng.gamma(GG_P, this.nu) * basketFactor) / 100) * 100);
    const category = this.rng.uniform() < 0.7 ? this.category : categories[Math.floor(this.rng.uniform() * categories.length)]!;
    this.push(d, {
      id: orderId,
      customerId: this.id,
      type: "purchase",
      occurredAt: "",
      data: { orderId, amount, currency: "KRW", category, items: 1 + Math.floor(this.rng.uniform() * 3) },
    });
  }

  private session(d: number) {
    const id = this.nextId("s");
    const durationSeconds = Math.round(30 + this.rng.exponential(1 / 300));
    const channel = this.rng.uniform() < 0.7 ? "app" : "web";
    // Tracking loses some sessions before they reach the service.
    if (this.rng.uniform() < this.brand.sessionLoss) return;
    this.push(d, { id, customerId: this.id, type: "session", occurredAt: "", data: { durationSeconds, channel } });
  }

  private ticket(d: number, severity: "low" | "medium" | "high" | "critical", sentiment: "negative" | "neutral") {
    const ticketId = this.nextId("t");
    this.push(d, { id: ticketId, customerId: this.id, type: "support_ticket", occurredAt: "", data: { ticketId, severity, sentiment } });
  }

  /**
   * A weekly panel report of one competitor app's use over the 7 days before `d`, sent up to
   * the brand's report delay later. Only for customers the app panel covers.
   */
  private appUsage(d: number, rival: Rival, minutes: number) {
    const [lo, hi] = this.brand.appConfidence;
    const confidence = Math.round((lo + (hi - lo) * this.rng.uniform()) * 100) / 100;
    const delay = this.rng.uniform() * this.brand.appReportDelayDays;
    if (!this.onAppPanel || d + delay >= this.days) return;
    const end = this.start + Math.round(d * DAY);
    this.push(d + delay, {
      id: this.nextId("u"),
      customerId: this.id,
      type: "competitor_app_usage",
      occurredAt: "",
      source: "sim-app-panel",
      consentBasis: "consent",
      confidence,
      period: { start: new Date(end - 7 * DAY).toISOString(), end: new Date(end).toISOString() },
      data: { competitor: rival.competitor, app: rival.app, sessions: 1 + Math.floor(minutes / 10), minutes: Math.round(minutes) },
    });
  }

  /** A competitor purchase the card panel saw. Only for customers it covers. */
  private competitorPurchase(d: number, rival: Rival, amount: number) {
    if (!this.onCardPanel) return;
    this.push(d, {
      id: this.nextId("c"),
      customerId: this.id,
      type: "competitor_purchase",
      occurredAt: "",
      source: "sim-card-panel",
      consentBasis: "consent",
      confidence: this.brand.cardConfidence,
      data: { competitor: rival.competitor, amount: Math.round(amount / 100) * 100, currency: "KRW", category: this.category },
    });
  }

  private rivalsInOrder() {
    return shuffle(this.rng, [...this.brand.rivals]);
  }

  private defectToCompetitors(onsetDay: number, defDay: number, progress: (d: number) => number) {
    const { rng } = this;
    const order = this.rivalsInOrder();
    const maxApps = Math.min(order.length, defection.maxApps[Math.floor(rng.uniform() * defection.maxApps.length)]!);
    // Weekly reports from onset to the end; apps join as the slide goes on.
    for (let d = onsetDay; d < this.days; d += 7) {
      const p = progress(d);
      const apps = Math.max(1, Math.min(maxApps, 1 + Math.floor(p * maxApps)));
      for (let k = 0; k < apps; k++) this.appUsage(d + rng.uniform(), order[k]!, (20 + 200 * p) * (0.5 + rng.uniform()));
    }
    const [slow, fast] = defection.competitorPurchaseEveryDays;
    const [lo, hi] = defection.competitorPurchaseKrw;
    this.poisson(onsetDay, this.days, 1 / fast, (d) => (slow + (fast - slow) * progress(d)) ** -1 * fast, (d) =>
      this.competitorPurchase(d, order[Math.floor(rng.uniform() * maxApps)]!, lo + (hi - lo) * rng.uniform()),
    );
    if (rng.uniform() < defection.ticketShare) {
      this.ticket(onsetDay + rng.uniform() * (defDay - onsetDay), rng.uniform() < 0.5 ? "high" : "medium", "negative");
    }
  }

  private browseCompetitors() {
    const { rng } = this;
    const order = this.rivalsInOrder();
    const apps = 1 + Math.floor(rng.uniform() * 3);
    for (let d = rng.uniform() * 7; d < this.days; d += 7) {
      if (rng.uniform() >= 0.3) continue;
      const n = 1 + Math.floor(rng.uniform() * apps);
      for (let k = 0; k < n; k++) this.appUsage(d, order[k]!, 5 + 40 * rng.uniform());
    }
    this.poisson(0, this.days, 1 / 45, () => 1, (d) => this.competitorPurchase(d, order[0]!, 10_000 + 30_000 * rng.uniform()));
  }

  /**
   * Compares prices at rivals and stays: from a day before the run or during it, most weeks
   * a panel report of 1–3 rival apps, and a modest rival purchase every few weeks, while
   * their own buying goes on unchanged.
   */
  private compareAtRivals() {
    const { rng } = this;
    const order = this.rivalsInOrder();
    const apps = Math.min(order.length, comparing.apps[0] + Math.floor(rng.uniform() * (comparing.apps[1] - comparing.apps[0] + 1)));
    // Half have compared all along; the others start somewhere in the run.
    const from = rng.uniform() < 0.5 ? 0 : rng.uniform() * this.days * 0.8;
    const [mLo, mHi] = comparing.minutes;
    for (let d = from + rng.uniform() * 7; d < this.days; d += 7) {
      if (rng.uniform() >= comparing.weeklyUsage) continue;
      const n = 1 + Math.floor(rng.uniform() * apps);
      for (let k = 0; k < n; k++) this.appUsage(d, order[k]!, mLo + (mHi - mLo) * rng.uniform());
    }
    const [eLo, eHi] = comparing.purchaseEveryDays;
    const [kLo, kHi] = comparing.purchaseKrw;
    const every = eLo + (eHi - eLo) * rng.uniform();
    this.poisson(from, this.days, 1 / every, () => 1, (d) =>
      this.competitorPurchase(d, order[Math.floor(rng.uniform() * apps)]!, kLo + (kHi - kLo) * rng.uniform()),
    );
  }
}

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
