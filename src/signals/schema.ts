// The wire shape of a signal, validated per type. This is the one definition: the API
// docs, the ingest path and the tests all use it.
import { z } from "zod";
import { identityKinds } from "../../db/schema.ts";
import { pastInstant } from "../input/instant.ts";

const money = {
  // 0 or at least a ten-thousandth of the unit (finer than any currency's minor unit): a
  // denormal such as 5e-324 was accepted, then underflowed in the features' float8 divisions
  // and failed the refresh of every customer on its page.
  amount: z
    .number()
    .finite()
    .nonnegative()
    .max(1e12)
    .refine((v) => v === 0 || v >= 1e-4, "must be 0 or at least 0.0001"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as KRW")
    .default("KRW"),
};
const slug = z.string().trim().min(1).max(100);

const purchase = z.strictObject({
  orderId: z.string().min(1).max(200),
  ...money,
  category: z.string().min(1).max(100).optional(),
  items: z.number().int().positive().optional(),
});
const refund = z.strictObject({
  orderId: z.string().min(1).max(200),
  ...money,
  reason: z.string().max(500).optional(),
});
const session = z.strictObject({
  durationSeconds: z.number().finite().nonnegative().max(86_400 * 7),
  channel: z.enum(["app", "web", "store", "call_center", "other"]),
});
const supportTicket = z.strictObject({
  ticketId: z.string().min(1).max(200).optional(),
  severity: z.enum(["low", "medium", "high", "critical"]),
  sentiment: z.enum(["negative", "neutral", "positive"]).optional(),
  topic: z.string().max(200).optional(),
});
const campaignResponse = z.strictObject({
  campaignId: z.string().min(1).max(200),
  event: z.enum(["delivered", "opened", "clicked", "converted", "unsubscribed"]),
  channel: z.enum(["push", "in_app", "email", "sms", "webhook"]).optional(),
});
const competitorAppUsage = z
  .strictObject({
    competitor: slug,
    app: z.string().trim().min(1).max(200),
    sessions: z.number().int().nonnegative().optional(),
    minutes: z.number().finite().nonnegative().optional(),
  })
  .refine((d) => d.sessions !== undefined || d.minutes !== undefined, {
    message: "give sessions or minutes (or both)",
    path: ["sessions"],
  });
const competitorPurchase = z.strictObject({
  competitor: slug,
  ...money,
  category: z.string().min(1).max(100).optional(),
});

/** The grounds a provider holds external evidence on. */
export const consentBases = ["consent", "contract", "legitimate_interest", "legal_obligation", "public"] as const;

const envelope = {
  /** The sender's idempotency key. */
  id: z.string().trim().min(1).max(200),
  customerId: z.string().trim().min(1).max(200),
  /** Which identifier customerId is; signals under any identity of a customer land on it. */
  identityKind: z.enum(identityKinds).default("crm_id"),
  occurredAt: pastInstant.transform((s) => new Date(s)),
  source: z.string().trim().min(1).max(100).optional(),
  confidence: z.number().min(0).max(1).optional(),
  period: z
    .strictObject({
      start: pastInstant.transform((s) => new Date(s)),
      end: pastInstant.transform((s) => new Date(s)),
    })
    .refine((p) => p.start <= p.end, { message: "start must not be after end", path: ["end"] })
    .optional(),
  consentBasis: z.enum(consentBases).optional(),
};

// External signals are third-party evidence: who says so and under what consent is required.
const external = {
  ...envelope,
  source: z.string().trim().min(1).max(100),
  consentBasis: z.enum(consentBases),
};

export const signalSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ ...envelope, type: z.literal("purchase"), data: purchase }).meta({ id: "PurchaseSignal" }),
    z.strictObject({ ...envelope, type: z.literal("refund"), data: refund }).meta({ id: "RefundSignal" }),
    z.strictObject({ ...envelope, type: z.literal("session"), data: session }).meta({ id: "SessionSignal" }),
    z.strictObject({ ...envelope, type: z.literal("support_ticket"), data: supportTicket }).meta({ id: "SupportTicketSignal" }),
    z.strictObject({ ...envelope, type: z.literal("campaign_response"), data: campaignResponse }).meta({ id: "CampaignResponseSignal" }),
    z.strictObject({ ...external, type: z.literal("competitor_app_usage"), data: competitorAppUsage }).meta({ id: "CompetitorAppUsageSignal" }),
    z.strictObject({ ...external, type: z.literal("competitor_purchase"), data: competitorPurchase }).meta({ id: "CompetitorPurchaseSignal" }),
  ])
  .meta({ id: "Signal", description: "One fact about a customer at a time." });

/** A stored signal's data: one of the types' data. */
export const signalDataSchema = z.union([purchase, refund, session, supportTicket, campaignResponse, competitorAppUsage, competitorPurchase]);

export type SignalInput = z.input<typeof signalSchema>;
export type ParsedSignal = z.output<typeof signalSchema>;

export const MAX_BATCH = 1000;

/** The request body: a batch, or one signal on its own. Items are checked one by one. */
export const signalBatchSchema = z.union([
  z.strictObject({
    signals: z
      .array(z.unknown().meta({ description: "A Signal; each is validated on its own" }))
      .min(1)
      .max(MAX_BATCH),
  }),
  z.looseObject({ type: z.string() }).transform((one) => ({ signals: [one as unknown] })),
]);

export const signalResultSchema = z.object({
  index: z.number().int(),
  id: z.string().nullable(),
  /** duplicate: stored before with this payload; conflict: stored before with another payload (nothing stored now). */
  status: z.enum(["accepted", "duplicate", "conflict", "rejected"]),
  customerId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export const signalBatchResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    conflicts: z.number().int(),
    rejected: z.number().int(),
    results: z.array(signalResultSchema),
  })
  .meta({ id: "SignalBatchResult" });
export type SignalBatchResult = z.infer<typeof signalBatchResultSchema>;
