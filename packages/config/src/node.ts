// Node-only entry: file loading. The isomorphic API is re-exported for convenience.

export { configHash, contractHash } from "./contract/hash.ts";
export * from "./index.ts";
export { loadConfigFile } from "./load-file.ts";
