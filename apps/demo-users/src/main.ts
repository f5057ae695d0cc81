import { createDemoUsersServer, jsonLineLogger } from "./app.ts";
import { createAudienceVerifier } from "./audience-verifier.ts";
import { readDemoUsersConfig } from "./config.ts";

const config = readDemoUsersConfig(process.env);
const verifier = await createAudienceVerifier({ publicKeys: config.publicKeys, audiences: config.audiences });
const server = createDemoUsersServer({ verifier, logger: jsonLineLogger });

// One line, not a stack trace, when the port is taken (e.g. by another dev stack).
server.once("error", (err: NodeJS.ErrnoException) => {
  const reason =
    err.code === "EADDRINUSE" ? "address already in use (set DEMO_USERS_PORT to move it)" : err.message;
  process.stderr.write(`demo-users: cannot listen on ${config.host}:${config.port}: ${reason}\n`);
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  jsonLineLogger({
    time: new Date().toISOString(),
    service: "demo-users",
    msg: "listening",
    url: `http://${config.host}:${port}`,
    audiences: config.audiences,
    kids: config.publicKeys.keys.map((key) => (key as { kid?: string }).kid),
  });
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    jsonLineLogger({ time: new Date().toISOString(), service: "demo-users", msg: "shutting down", signal });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 10_000).unref();
  });
}
