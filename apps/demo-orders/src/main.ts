import { readPortEnv } from "@gateway/config/env";
import { createIdentityVerifier, parseJwksEnv } from "@gateway/identity";
import { createOrdersServer } from "./server.ts";

const env = process.env;
const port = readPortEnv(env.DEMO_ORDERS_PORT, "DEMO_ORDERS_PORT", 50051);
const host = env.DEMO_ORDERS_HOST || "127.0.0.1";
// Central signs with aud = the route name ("orders" in gateway.config.yaml).
const audience = env.DEMO_ORDERS_AUDIENCE || "orders";
const verifier = await createIdentityVerifier({
  publicKeys: parseJwksEnv(env.GATEWAY_IDENTITY_JWKS, "GATEWAY_IDENTITY_JWKS"),
  audience,
  issuers: ["central"],
  clockSkewSeconds: 5,
});
const server = createOrdersServer({ verifier });
const log = (fields: Record<string, unknown>) =>
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: "demo-orders", ...fields })}\n`,
  );

const bound = await server.listen(host, port).catch((error: Error) => {
  console.error(`demo-orders: cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
log({ msg: "listening", address: `${host}:${bound}`, audience });
server.events.on("call", (method) => log({ msg: "call", method }));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    log({ msg: "shutting down", signal });
    void server.stop().then(() => process.exit(0));
  });
}
