// The baseline contestant: an Express API gateway as the tutorials write it —
// JWT check, Redis rate limit, http-proxy-middleware. Configured by env:
// PORT, UPSTREAM_URL, REDIS_URL, JWT_SECRET, RATE_LIMIT (per minute).
import express from "express";
import { createProxyMiddleware } from "http-proxy-middleware";
import { Redis } from "ioredis";
import { authenticate } from "./authenticate.ts";
import { redisRateLimit } from "./rate-limit.ts";
import { createHs256Verifier } from "./verify-jwt.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`baseline: ${name} is required`);
    process.exit(2);
  }
  return value;
}

function optional(name: string, fallback: string): string {
  return process.env[name] || fallback;
}

const redis = new Redis(required("REDIS_URL"));
const app = express();

app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});
app.use(authenticate(createHs256Verifier(required("JWT_SECRET"))));
app.use(redisRateLimit(redis, { limit: Number(optional("RATE_LIMIT", "1000000000")), windowSeconds: 60 }));
app.use(createProxyMiddleware({ target: required("UPSTREAM_URL"), changeOrigin: true }));

const port = Number(required("PORT"));
const server = app.listen(port, "127.0.0.1", () => {
  console.log(`baseline listening on ${port}`);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close();
    redis.disconnect();
    process.exit(0);
  });
}
