// One example per signal type: shown in the API description (a schema example per type and a
// named request example each) and parsed by the spec, so an example can never drift from the schema.
import type { SignalInput } from "./schema.ts";

export const signalExamples = {
  purchase: {
    id: "order-10482",
    customerId: "c-42",
    type: "purchase",
    occurredAt: "2026-11-18T14:05:00+09:00",
    data: { orderId: "10482", amount: 89000, currency: "KRW", category: "skincare", items: 2 },
  },
  refund: {
    id: "refund-10482",
    customerId: "c-42",
    type: "refund",
    occurredAt: "2026-11-19T10:00:00+09:00",
    data: { orderId: "10482", amount: 39000, currency: "KRW", reason: "damaged in delivery" },
  },
  session: {
    id: "session-7f3a",
    customerId: "c-42",
    type: "session",
    occurredAt: "2026-11-19T21:12:00+09:00",
    data: { durationSeconds: 340, channel: "app" },
  },
  support_ticket: {
    id: "ticket-5531",
    customerId: "c-42",
    type: "support_ticket",
    occurredAt: "2026-11-19T11:30:00+09:00",
    data: { ticketId: "5531", severity: "high", sentiment: "negative", topic: "late delivery" },
  },
  campaign_response: {
    id: "campaign-open-88",
    customerId: "c-42",
    type: "campaign_response",
    occurredAt: "2026-11-19T12:00:00+09:00",
    data: { campaignId: "vip-competitor-winback", event: "opened", channel: "push" },
  },
  competitor_app_usage: {
    id: "panel-usage-311",
    customerId: "c-42",
    type: "competitor_app_usage",
    occurredAt: "2026-11-19T00:00:00+09:00",
    source: "panel",
    consentBasis: "consent",
    confidence: 0.9,
    period: { start: "2026-11-12T00:00:00+09:00", end: "2026-11-19T00:00:00+09:00" },
    data: { competitor: "rival-beauty", app: "Rival Beauty", sessions: 6, minutes: 42 },
  },
  competitor_purchase: {
    id: "panel-purchase-97",
    customerId: "c-42",
    type: "competitor_purchase",
    occurredAt: "2026-11-18T19:40:00+09:00",
    source: "card-panel",
    consentBasis: "consent",
    data: { competitor: "rival-beauty", amount: 120000, currency: "KRW", category: "skincare" },
  },
} satisfies { [T in SignalInput["type"]]: Extract<SignalInput, { type: T }> };
