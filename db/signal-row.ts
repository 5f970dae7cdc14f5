// A row of `signals` as raw SQL returns it (snake_case): the one shape the timeline, the
// idempotency check and the replay source read, each picking the columns it selects.
export type SignalRow = {
  id: string;
  customer_id: string;
  identity_kind: string;
  identity_value: string;
  type: string;
  occurred_at: Date;
  received_at: Date;
  amount: number | null;
  source: string | null;
  confidence: number | null;
  period_start: Date | null;
  period_end: Date | null;
  consent_basis: string | null;
  data: Record<string, unknown>;
};
