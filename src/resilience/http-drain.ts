// Graceful stop of the HTTP listener under keep-alive load. `server.close()` alone stops
// accepting and closes idle sockets once, but a client that keeps sending on its
// connection keeps it busy forever, and the shutdown timer then cuts requests in flight.
// After `drain()`, every response says `Connection: close`, so each connection ends after
// the response it is serving; sockets idle at that moment are closed at once. A request
// the server has started reading is always answered.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Http2SecureServer, Http2Server } from "node:http2";

type AnyServer = Server | Http2Server | Http2SecureServer;

export function gracefulHttp(server: AnyServer) {
  const http = server as Server;
  const inFlight = new Map<ServerResponse, { method: string; path: string; since: number }>();
  let draining = false;
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader("connection", "close");
    inFlight.set(res, { method: req.method ?? "?", path: (req.url ?? "").split("?")[0]!, since: Date.now() });
    res.once("close", () => {
      inFlight.delete(res);
      // A response that had started before the drain went out without `Connection: close`;
      // its socket is idle now and would otherwise wait out the keep-alive timeout (5 s).
      if (draining) setImmediate(() => http.closeIdleConnections());
    });
  });
  return {
    /**
     * Stops accepting, ends every connection after its current response; resolves when all are
     * closed. A request still unanswered after `graceMs` (one waiting on a database connection
     * that died without telling, say) is named to `onStuck` and its connection cut, so the
     * rest of the shutdown — workers, queues, the database — still runs in time.
     */
    drain(opts: { graceMs?: number; onStuck?: (requests: { method: string; path: string; ms: number }[]) => void } = {}): Promise<void> {
      draining = true;
      for (const res of inFlight.keys()) if (!res.headersSent) res.setHeader("connection", "close");
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      if (opts.graceMs === undefined) return closed;
      const cut = setTimeout(() => {
        const now = Date.now();
        opts.onStuck?.([...inFlight.values()].map((r) => ({ method: r.method, path: r.path, ms: now - r.since })));
        http.closeAllConnections();
      }, opts.graceMs);
      cut.unref();
      return closed.finally(() => clearTimeout(cut));
    },
  };
}
