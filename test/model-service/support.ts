// CDNOW sample customers as a workspace's purchase history, for the model service tests.
import { loadTransactions, type TransactionTable } from "../../src/model/index.ts";
import { cdnowPath } from "../model/data.ts";

/** Evening of the FHL 2005 calibration end: every purchase of 1997-09-30 (stamped at noon UTC) is in. */
export const CALIBRATION_END = "1997-09-30T18:00:00.000Z";

let sample: TransactionTable | undefined;

/** All transactions (calibration and holdout) of the CDNOW sample customers with id ≤ maxId. */
export async function cdnowCustomers(maxId: number): Promise<TransactionTable> {
  sample ??= await loadTransactions(cdnowPath("CDNOW_sample.txt"), "cdnow-sample");
  const keep: number[] = [];
  for (let i = 0; i < sample.day.length; i++) if (Number(sample.customerId[i]) <= maxId) keep.push(i);
  return {
    customerId: keep.map((i) => sample!.customerId[i]!),
    day: Int32Array.from(keep, (i) => sample!.day[i]!),
    amount: Float64Array.from(keep, (i) => sample!.amount[i]!),
  };
}
