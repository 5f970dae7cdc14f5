// Shutdown's HTTP drain: a request that never gets an answer (its handler waits on something
// that died) must not hold the shutdown forever: after the grace it is named and cut.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { gracefulHttp } from "../../src/resilience/http-drain.ts";

describe("the HTTP drain", () => {
  it("names a request still unanswered after the grace and cuts it, so the drain ends", async () => {
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith("/hang")) return; // never answered
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const drain = gracefulHttp(server);
    const hung = new Promise<string>((resolve) => {
      http.get({ port, host: "127.0.0.1", path: "/hang?x=1" }, () => resolve("answered")).on("error", () => resolve("cut"));
    });
    await new Promise((r) => setTimeout(r, 100));
    let stuck: { method: string; path: string; ms: number }[] = [];
    const started = Date.now();
    await drain.drain({ graceMs: 300, onStuck: (requests) => (stuck = requests) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stuck).toEqual([{ method: "GET", path: "/hang", ms: expect.any(Number) }]);
    expect(await hung).toBe("cut");
  });

  it("without a grace waits for the request to be answered", async () => {
    let answer: (() => void) | undefined;
    const server = http.createServer((_req, res) => {
      answer = () => res.end("late");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const drain = gracefulHttp(server);
    const body = new Promise<string>((resolve) => http.get({ port, host: "127.0.0.1", path: "/" }, (res) => res.on("data", (d: Buffer) => resolve(d.toString()))));
    await new Promise((r) => setTimeout(r, 100));
    const drained = drain.drain();
    setTimeout(() => answer?.(), 300);
    await drained;
    expect(await body).toBe("late");
  });
});
