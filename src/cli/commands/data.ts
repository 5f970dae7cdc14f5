import { loadDemoData } from "../../demo/demo.ts";
import { importTransactions } from "../../model-fits/import-transactions.ts";
import { loadTransactions, TRANSACTION_FORMATS } from "../../model/index.ts";
import { parseReplayArgs, printReplay, writeSimulationFiles } from "../../replay/cli-replay.ts";
import { bulkLoadSignals, liveLoadSignals, saveGroundTruth, simulate } from "../../simulator/index.ts";
import { getWorkspace } from "../../workspaces/workspaces.ts";
import { apiBase, integer, required, UsageError, withRuntime, workspaceOption, type Command } from "../command.ts";
import { transactionFormat } from "./model.ts";

export const dataCommands: Command[] = [
  {
    name: "demo load",
    summary: "load demo customers and signals, then refresh their features, tiers and scores",
    usage: "--workspace <id> [--customers <n>]",
    details: "Returns when every loaded customer has features, a tier and a score, so alerts are ready to read.",
    options: { ...workspaceOption, customers: { type: "string" } },
    async run({ values, out }) {
      const workspaceId = required(values, "workspace");
      const customers = integer(values, "customers", 50, 1, 100_000);
      await withRuntime(out, async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        const result = await loadDemoData(rt, { workspaceId, customers, onProgress: (line) => out.progress(line) });
        out.print(
          [
            `Loaded ${result.customers} demo customers and ${result.signals} signals into ${workspaceId}; features, tiers and scores are ready (${result.alerts} open alerts).`,
            `See them: npm run cli -- alerts list --workspace ${workspaceId}   or   ${apiBase(rt)}/console`,
          ].join("\n"),
          result,
        );
      });
    },
  },
  {
    name: "import transactions",
    summary: "load a purchase history as purchase signals",
    usage: `<file> --workspace <id> [--format <${TRANSACTION_FORMATS.join("|")}>]`,
    details: "The format defaults to csv.",
    options: { ...workspaceOption, format: { type: "string" } },
    async run({ values, positionals, out }) {
      const file = positionals[0];
      if (!file) throw new UsageError("give the file: import transactions <file> --workspace <id>");
      const workspaceId = required(values, "workspace");
      const format = values.format === undefined ? "csv" : transactionFormat(values.format as string);
      const transactions = await loadTransactions(file, format);
      await withRuntime(out, async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        const result = await importTransactions(rt, { workspaceId, transactions, onBatch: (done, total) => out.progress(`${done} / ${total} rows`) });
        const errors = result.errors.map((e) => `  row ${e.row}: ${e.errors.map((x) => `${x.path} ${x.message}`).join("; ")}`);
        out.print(
          [
            `Imported ${result.rows} rows for ${result.customers} customers into ${workspaceId} in ${result.ms} ms: ` +
              `${result.accepted} new, ${result.duplicates} already there, ${result.rejected} rejected.`,
            ...(errors.length > 0 ? ["First rejections:", ...errors] : []),
            `Fit the model with: npm run cli -- model fit --workspace ${workspaceId}`,
          ].join("\n"),
          result,
        );
      });
    },
  },
  {
    name: "simulate",
    summary: "simulated customers with ground truth: into a workspace (bulk or live through the API), or as JSON lines for replay",
    usage:
      "--workspace <id> [--customers <n>] [--days <d>] [--seed <s>] [--mode bulk|live] [--rate <signals/s>] [--url <api>] [--key <ingest key>]\n" +
      "  simulate --out <file.jsonl> [--customers <n>] [--days <d>] [--seed <s>]",
    details: "Ground truth is kept in simulation.ground_truth (or <file>.truth.jsonl), invisible to scoring.",
    options: {
      ...workspaceOption,
      customers: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      mode: { type: "string" },
      rate: { type: "string" },
      url: { type: "string" },
      key: { type: "string" },
      out: { type: "string" },
    },
    async run({ values, out }) {
      const customers = integer(values, "customers", 1_000, 1, 1_000_000);
      const days = integer(values, "days", 365, 30, 3_650);
      const seed = integer(values, "seed", 1, 0, 2 ** 31 - 1);
      const mode = (values.mode as string | undefined) ?? "bulk";
      if (mode !== "bulk" && mode !== "live") throw new UsageError("--mode must be bulk or live");
      const rate = integer(values, "rate", 1_000, 1, 1_000_000);
      if (values.out !== undefined) {
        const written = await writeSimulationFiles({ customers, days, seed, file: values.out as string });
        out.print(
          `Simulated ${customers} customers over ${days} days (seed ${seed}, ${written.start} to ${written.end}): ${written.signals} signals in ${written.file}, ground truth (${written.defectors} defectors) in ${written.truthFile}`,
          written,
        );
        return;
      }
      const workspaceId = required(values, "workspace");
      // The history ends today, so the service's windows see it as recent.
      const day = 86_400_000;
      const start = new Date(Math.floor(Date.now() / day) * day - days * day);
      // Ids carry the seed, so another seed in the same workspace adds customers instead of colliding.
      const sim = simulate({ customers, days, seed, start, prefix: `sim${seed}` });
      const progress = (done: number, total: number) => out.progress(`${done} / ${total} signals`);
      const result = await withRuntime(out, async (rt) => {
        await getWorkspace(rt.database.db, workspaceId);
        await saveGroundTruth(rt.database.sql, { workspaceId, seed, truth: sim.truth });
        if (mode === "live") {
          return liveLoadSignals({ url: (values.url as string | undefined) ?? apiBase(rt), key: required(values, "key"), signals: sim.signals, rate, onBatch: progress });
        }
        return bulkLoadSignals(rt, { workspaceId, signals: sim.signals, onBatch: progress });
      });
      const defectors = sim.truth.filter((t) => t.defected).length;
      const shares: Record<string, number> = {};
      for (const t of sim.truth) shares[t.archetype] = (shares[t.archetype] ?? 0) + 1;
      out.print(
        [
          `Simulated ${customers} customers over ${days} days (seed ${seed}, ${sim.start.toISOString().slice(0, 10)} to ${sim.end.toISOString().slice(0, 10)}) into ${workspaceId}, ${mode}:`,
          `  ${result.signals} signals: ${result.accepted} accepted, ${result.duplicates} duplicates, ${result.rejected} rejected, in ${result.ms} ms`,
          `  archetypes: ${Object.entries(shares).map(([a, n]) => `${a} ${n}`).join(", ")}; ${defectors} defectors`,
          `  ground truth: simulation.ground_truth (workspace_id = '${workspaceId}'), invisible to scoring`,
        ].join("\n"),
        { workspaceId, customers, days, seed, mode, start: sim.start, end: sim.end, defectors, archetypes: shares, load: result },
      );
    },
  },
  {
    name: "replay",
    summary: "the whole pipeline over a signal history in a scratch workspace: alerts.jsonl, scores.jsonl, summary.json",
    usage:
      "--signals <file.jsonl> --from <date> --to <date> --out <dir> [--step-days <n>] [--workspace <id>]\n" +
      "         [--settings <file.json>] [--rules <file.json>] [--snapshots <date,date,…>] [--keep-workspace]",
    options: {
      ...workspaceOption,
      signals: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "step-days": { type: "string" },
      settings: { type: "string" },
      rules: { type: "string" },
      out: { type: "string" },
      snapshots: { type: "string" },
      "keep-workspace": { type: "boolean", default: false },
    },
    async run({ values, out }) {
      const input = await parseReplayArgs(values, (m) => new UsageError(m));
      await withRuntime(out, async (rt) => printReplay(out, await input.run(rt)));
    },
  },
];
