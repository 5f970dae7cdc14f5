// Signal factories: valid by default, override what the test is about.
import type { SignalInput } from "../../src/signals/schema.ts";

let n = 0;
const nextId = (p: string) => `${p}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

type Over<T extends SignalInput["type"]> = Partial<Omit<Extract<SignalInput, { type: T }>, "type" | "data">> & {
  data?: Partial<Extract<SignalInput, { type: T }>["data"]>;
};

const base = (customerId: string, occurredAt: string) => ({ id: nextId("evt"), customerId, occurredAt });

export const signal = {
  purchase: (customerId: string, occurredAt: string, o: Over<"purchase"> = {}): SignalInput => ({
    ...base(customerId, occurredAt),
    ...o,
    type: "purchase",
    data: { orderId: nextId("ord"), amount: 50_000, currency: "KRW", category: "skincare", ...o.data },
  }),
  refund: (customerId: string, occurredAt: string, o: Over<"refund"> = {}): SignalInput => ({
    ...base(customerId, occurredAt),
    ...o,
    type: "refund",
    data: { orderId: nextId("ord"), amount: 10_000, currency: "KRW", ...o.data },
  }),
  session: (customerId: string, occurredAt: string, o: Over<"session"> = {}): SignalInput => ({
    ...base(customerId, occurredAt),
    ...o,
    type: "session",
    data: { durationSeconds: 300, channel: "app", ...o.data },
  }),
  supportTicket: (customerId: string, occurredAt: string, o: Over<"support_ticket"> = {}): SignalInput => ({
    ...base(customerId, occurredAt),
    ...o,
    type: "support_ticket",
    data: { severity: "high", sentiment: "negative", ...o.data },
  }),
  campaignResponse: (customerId: string, occurredAt: string, o: Over<"campaign_response"> = {}): SignalInput => ({
    ...base(customerId, occurredAt),
    ...o,
    type: "campaign_response",
    data: { campaignId: "cmp-1", event: "clicked", ...o.data },
  }),
  competitorAppUsage: (customerId: string, occurredAt: string, o: Over<"competitor_app_usage"> = {}): SignalInput => ({
    ...base(customerId, occurredAt),
    source: "panel-co",
    consentBasis: "consent",
    ...o,
    type: "competitor_app_usage",
    data: { competitor: "rival-beauty", app: "Rival Beauty", sessions: 12, minutes: 90, ...o.data },
  }) as SignalInput,
  competitorPurchase: (customerId: string, occurredAt: string, o: Over<"competitor_purchase"> = {}): SignalInput => ({
    ...base(customerId, occurredAt),
    source: "card-panel",
    consentBasis: "consent",
    ...o,
    type: "competitor_purchase",
    data: { competitor: "rival-beauty", amount: 120_000, currency: "KRW", ...o.data },
  }) as SignalInput,
};

/** `daysAgo(3)` relative to the pinned test clock. */
export const daysAgo = (days: number, from = new Date("2026-11-20T12:00:00Z")) =>
  new Date(from.getTime() - days * 86_400_000).toISOString();
