// The ingest benchmark's HTTP clients, run in a process of their own: clients are other
// machines in production, so neither their CPU nor their memory may be charged to the API's
// process (as a worker thread they shared its event loop's process and its resident size). They use
// node:http with keep-alive rather than fetch: on a shared two-core machine every
// microsecond the load generator spends is taken from the API and PostgreSQL, and fetch
// cost about three times as much per request. Posts back the loop's figures.
import http from "node:http";
import { loop, makeBatch, makeContentionBatch } from "./load.ts";

const { url, headers, seconds, concurrency, batch, customers, prefix, contention } = JSON.parse(process.argv[2]!) as {
  contention?: boolean;
  url: string;
  headers: Record<string, string>;
  seconds: number;
  concurrency: number;
  batch: number;
  customers: number;
  prefix: string;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

function post(body: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      { agent, hostname: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

// Under contention every answer is counted by status: the goal is no 5xx at all.
const statuses: Record<number, number> = {};
const result = await loop(seconds, concurrency, async (n) => {
  const res = await post(JSON.stringify({ signals: contention ? makeContentionBatch(prefix, n, batch) : makeBatch(prefix, n, batch, customers) }));
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  if (res.status !== 200) {
    if (contention) return 0;
    throw new Error(`ingest answered ${res.status}: ${res.body}`);
  }
  const body = JSON.parse(res.body) as { accepted?: number; duplicate?: number };
  return (body.accepted ?? 0) + (contention ? (body.duplicate ?? 0) : 0);
});
agent.destroy();
// Forked by the benchmark: the figures go back on the IPC channel, then the channel closes.
const send = process.send?.bind(process);
if (!send) throw new Error("run by bench/ingest.ts (forked with an IPC channel)");
send({ ...result, statuses }, undefined, undefined, () => process.disconnect?.());
