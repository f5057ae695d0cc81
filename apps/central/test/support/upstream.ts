import http from "node:http";
import { listen } from "@gateway/testing";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export type UpstreamBehaviour = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

export interface RecordingUpstream {
  url: string;
  port: number;
  server: http.Server;
  requests: RecordedRequest[];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections(): number;
  /** Replaces how the upstream answers (default: 200 JSON echo of method + url). */
  respondWith(behaviour: UpstreamBehaviour): void;
  close(): Promise<void>;
}

const echo: UpstreamBehaviour = (req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ method: req.method, url: req.url }));
};

/** A real node:http service on port 0 that records every request it receives. */
export async function startUpstream(): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  let behaviour = echo;
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => {});
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      });
      behaviour(req, res, body);
    });
  });
  server.on("connection", () => {
    connections++;
  });
  const { port, url } = await listen(server);
  return {
    url,
    port,
    server,
    requests,
    connections: () => connections,
    respondWith(next) {
      behaviour = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
