// Provides `redisUrl` ($REDIS_URL, or a private redis-server for the run).
export { redisGlobalSetup as default } from "@gateway/testing";
