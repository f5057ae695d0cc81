import { readIssuerConfig } from "./config.ts";
import { createIssuer } from "./issuer.ts";
import { loadOrCreateIssuerKeys } from "./key-file.ts";
import { createIssuerServer } from "./server.ts";

const config = readIssuerConfig(process.env);
const keys = await loadOrCreateIssuerKeys(config.keysFile);
const issuer = createIssuer({ issuer: config.issuer, audience: config.audience, keys });
const server = createIssuerServer({ issuer });

// One line, not a stack trace, when the port is taken (e.g. by another dev stack).
server.once("error", (err: NodeJS.ErrnoException) => {
  const reason =
    err.code === "EADDRINUSE" ? "address already in use (set DEMO_ISSUER_PORT to move it)" : err.message;
  process.stderr.write(`demo-issuer: cannot listen on ${config.host}:${config.port}: ${reason}\n`);
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  process.stdout.write(
    `${JSON.stringify({
      time: new Date().toISOString(),
      service: "demo-issuer",
      msg: "listening",
      url: `http://${config.host}:${port}`,
      issuer: config.issuer,
      audience: config.audience,
      kid: keys.signing.kid,
      keysFile: config.keysFile,
    })}\n`,
  );
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 5000).unref();
  });
}
