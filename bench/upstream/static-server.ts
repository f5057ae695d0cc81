// The upstream every contestant proxies to: answers any request with the same
// small JSON body, as fast as node:http allows. Port from UPSTREAM_PORT.
import { createServer } from "node:http";

const body = Buffer.from(JSON.stringify({ ok: true, service: "bench-static", items: [1, 2, 3] }));
const portVariable = "UPSTREAM_PORT";
const port = Number(process.env[portVariable] ?? "0");

const server = createServer((req, res) => {
  // Drain any request body so keep-alive connections stay usable.
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`static upstream listening on ${typeof address === "object" && address ? address.port : port}`);
});
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, () => server.close(() => process.exit(0)));
