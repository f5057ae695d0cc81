// The floor: the least a Node reverse proxy can do here. node:http server, one keep-alive
// http.Agent to the upstream, headers copied as they are, bodies piped, no features at all.
// PORT and UPSTREAM_URL from the environment; GET /healthz answers locally.
import { Agent, createServer, request } from "node:http";

const port = Number(process.env.PORT ?? "0");
const upstream = new URL(process.env.UPSTREAM_URL ?? "http://127.0.0.1:1");
const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

const server = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.end("ok");
    return;
  }
  const proxied = request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host, connection: "keep-alive" },
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  proxied.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(proxied);
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1");
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, () => server.close(() => process.exit(0)));
