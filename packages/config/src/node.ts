// Node-only entry: file loading. The isomorphic API is re-exported for convenience.
export * from "./index.ts";
export { loadConfigFile } from "./load-file.ts";
