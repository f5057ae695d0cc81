import { createDemoUsersServer, jsonLineLogger } from "./app.ts";
import { createAudienceVerifier } from "./audience-verifier.ts";
import { readDemoUsersConfig } from "./config.ts";

const config = readDemoUsersConfig(process.env);
const verifier = await createAudienceVerifier({ publicKeys: config.publicKeys, audiences: config.audiences });
const server = createDemoUsersServer({ verifier, logger: jsonLineLogger });

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
