// The ingest benchmark's HTTP clients, run in a worker thread: clients are other machines
// in production, so their CPU must not be charged to the API's event loop. Posts back the
// loop's figures.
import { parentPort, workerData } from "node:worker_threads";
import { loop, makeBatch } from "./load.ts";

const { url, headers, seconds, concurrency, batch, customers, prefix } = workerData as {
  url: string;
  headers: Record<string, string>;
  seconds: number;
  concurrency: number;
  batch: number;
  customers: number;
  prefix: string;
};

const result = await loop(seconds, concurrency, async (n) => {
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ signals: makeBatch(prefix, n, batch, customers) }) });
  const body = (await res.json()) as { accepted?: number };
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
  return body.accepted ?? 0;
});
parentPort!.postMessage(result);
