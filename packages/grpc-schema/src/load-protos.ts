import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

/** google/api/{annotations,http}.proto and google/rpc/{status,error_details,code}.proto, vendored with their licence. */
export const VENDORED_PROTO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../proto");

const STATUS_PROTOS = ["google/rpc/status.proto", "google/rpc/error_details.proto"];

/** protobufjs bundles the well-known types in code, but descriptor.proto (which annotations.proto imports) only as a file. */
const PROTOBUFJS_PROTO_DIR = dirname(createRequire(import.meta.url).resolve("protobufjs"));

export class ProtoLoadError extends Error {}

/**
 * Parses the .proto files into one protobufjs Root (field names as written in
 * the .proto, `keepCase`). Imports are looked up like protoc's -I: the include
 * dirs in order, then the folders of the listed files, then the vendored
 * google/api and google/rpc files; google/protobuf/* are protobufjs's copies.
 */
export function loadProtos(files: readonly string[], includeDirs: readonly string[]): protobuf.Root {
  const searchDirs = [
    ...includeDirs.map((dir) => resolve(dir)),
    ...files.map((file) => dirname(resolve(file))),
    VENDORED_PROTO_DIR,
    PROTOBUFJS_PROTO_DIR,
  ];
  const root = new protobuf.Root();
  const missing: string[] = [];
  root.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    for (const dir of searchDirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    missing.push(origin === "" ? target : `${target} (imported by ${origin})`);
    return null as unknown as string; // protobufjs skips an import it cannot resolve
  };
  for (const file of files) {
    if (!existsSync(resolve(file))) throw new ProtoLoadError(`${file}: file not found`);
  }
  try {
    // google.rpc.Status and its standard details, to render grpc-status-details-bin.
    root.loadSync([...files.map((file) => resolve(file)), ...STATUS_PROTOS], { keepCase: true });
  } catch (error) {
    if (missing.length > 0) throw new ProtoLoadError(missingMessage(missing, searchDirs));
    throw new ProtoLoadError((error as Error).message);
  }
  if (missing.length > 0) throw new ProtoLoadError(missingMessage(missing, searchDirs));
  return root;
}

function missingMessage(missing: readonly string[], searchDirs: readonly string[]): string {
  return `cannot find import ${missing.join(", ")}; looked in ${searchDirs.join(", ")}`;
}
