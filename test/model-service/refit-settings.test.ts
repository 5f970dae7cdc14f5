// A model settings change refits the same day, and `model evaluate` fits what a workspace
// fit ships: the same penaliser, the same spend scaling, the same defaults.
import { useTestContext } from "../support/context.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { fitWorkspaceModel } from "../../src/model-fits/fit-workspace-model.ts";
import { importTransactions } from "../../src/model-fits/import-transactions.ts";
import { evaluateModel, type ModelChoice, type TransactionTable } from "../../src/model/index.ts";
import { defaultModelSettings } from "../../src/workspaces/settings.ts";
import { updateWorkspaceSettings } from "../../src/workspaces/workspaces.ts";
import { CALIBRATION_END, cdnowCustomers } from "./support.ts";

const ctx = useTestContext();
let transactions: TransactionTable;

beforeAll(async () => {
  transactions = await cdnowCustomers(250);
});

const fitRow = (workspaceId: string) =>
  ctx.database.sql<{ id: string; penalizer: number; horizon_days: number; purchase_model: string; model_choice: ModelChoice & { fitMs: number }; r: number; alpha: number; a: number; b: number; s: number; beta: number; p: number; q: number; gamma: number }[]>`
    select * from model_fits where workspace_id = ${workspaceId} order by fitted_at desc limit 1`;

describe("model settings and fits", () => {
  it("refits the same day when the settings changed, and reuses the fit only when they did not", async () => {
    ctx.setNow(CALIBRATION_END);
    const ws = await ctx.workspace();
    await importTransactions(ctx, { workspaceId: ws.id, transactions });
    const first = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(first).toMatchObject({ status: "fitted", reused: false });
    expect(await fitWorkspaceModel(ctx, { workspaceId: ws.id })).toMatchObject({ reused: true });

    ctx.setNow("1997-09-30T19:00:00Z");
    await updateWorkspaceSettings(ctx.database.db, { workspaceId: ws.id, patch: { model: { penalizer: 0.1, horizonDays: 30 } } });
    const refit = await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    expect(refit).toMatchObject({ status: "fitted", reused: false, fitId: first.fitId });
    const [row] = await fitRow(ws.id);
    expect(row).toMatchObject({ penalizer: 0.1, horizon_days: 30 });
    const [horizon] = await ctx.database.sql<{ n: number }[]>`
      select count(*)::int as n from customer_model_scores where workspace_id = ${ws.id} and scored_at = ${new Date("1997-09-30T19:00:00Z")}`;
    expect(horizon!.n).toBe(250);
    expect(await fitWorkspaceModel(ctx, { workspaceId: ws.id })).toMatchObject({ reused: true });
  });

  it("model evaluate chooses and fits what a workspace fit of the same history does with the default settings", async () => {
    ctx.setNow(CALIBRATION_END);
    const ws = await ctx.workspace();
    await importTransactions(ctx, { workspaceId: ws.id, transactions });
    await fitWorkspaceModel(ctx, { workspaceId: ws.id });
    const [fit] = await fitRow(ws.id);
    expect(fit!.penalizer).toBe(defaultModelSettings.penalizer);
    const e = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30", horizonDays: defaultModelSettings.horizonDays });
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(fit!.purchase_model).toBe(e.choice.chosen);
    const { chosen, reason, splitDay, holdoutDays, customers } = e.choice;
    expect(fit!.model_choice).toMatchObject({ chosen, reason, splitDay, holdoutDays, customers });
    for (const k of ["a", "b"] as const) expect(rel(fit!.model_choice.churnRecalibration![k], e.choice.churnRecalibration![k])).toBeLessThan(1e-6);
    const params: Record<string, number> = e.choice.chosen === "bgnbd" ? { ...e.bgnbd.params } : { ...e.paretoNbd.params };
    for (const [k, v] of Object.entries(params)) expect(rel(v, fit![k as keyof typeof fit & string] as number)).toBeLessThan(1e-6);
    for (const k of ["p", "q", "gamma"] as const) expect(rel(e.gammaGamma!.params[k], fit![k])).toBeLessThan(1e-6);
  });
});
