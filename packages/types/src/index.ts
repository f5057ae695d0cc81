export * from "./errors.ts";
export * from "./identity.ts";
export * from "./config.ts";
export * from "./headers.ts";
