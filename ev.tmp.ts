import { evaluateModel, loadTransactions, cdnowFile } from "./src/model/index.ts";
const transactions = await loadTransactions(cdnowFile("CDNOW_master.txt"), "cdnow-master");
const e = evaluateModel({ transactions, calibrationEnd: "1997-09-30", holdoutEnd: "1998-06-30", penalizer: Number(process.argv[2] ?? 0.001) });
const r = (x: any) => ({ auc: x.auc.toFixed(4), brier: x.brier.toFixed(4), ece: x.ece.toFixed(4) });
console.log(JSON.stringify({ choice: { ...e.choice }, bg: r(e.churnModels.bgnbd), pn: r(e.churnModels.paretoNbd), chosen: r(e.churnModels.chosen), pnLL: e.paretoNbd.logLikelihood, bgLL: e.bgnbd.logLikelihood, fitMs: e.fitMs }, null, 1));
