export * from "./config.ts";
export * from "./errors.ts";
export * from "./headers.ts";
export * from "./identity.ts";
export * from "./resilience.ts";
