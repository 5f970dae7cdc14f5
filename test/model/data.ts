/** Locates the CDNOW files for the tests: `<repo>/data/cdnow`, shipped with the repository. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cdnowDataDir, parseSummaryCsv, type PublishedSummary } from "../../src/model/cdnow.ts";

export type CdnowFileName = "CDNOW_sample.txt" | "CDNOW_master.txt" | "cdnow_customers_summary_with_transactions.csv";

export function cdnowPath(name: CdnowFileName): string {
  return join(cdnowDataDir(), name);
}

export function readCdnow(name: CdnowFileName): string {
  return readFileSync(cdnowPath(name), "utf8");
}

let published: PublishedSummary | undefined;
/** The published 2,357-customer summary (ID, x, t_x, T, zbar). */
export function publishedSummary(): PublishedSummary {
  published ??= parseSummaryCsv(readCdnow("cdnow_customers_summary_with_transactions.csv"));
  return published;
}
