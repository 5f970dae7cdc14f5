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
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  http.on("request", (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader("connection", "close");
    inFlight.add(res);
    res.once("close", () => {
      inFlight.delete(res);
      // A response that had started before the drain went out without `Connection: close`;
      // its socket is idle now and would otherwise wait out the keep-alive timeout (5 s).
      if (draining) setImmediate(() => http.closeIdleConnections());
    });
  });
  return {
    /** Stops accepting, ends every connection after its current response; resolves when all are closed. */
    drain(): Promise<void> {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      return closed;
    },
  };
}
