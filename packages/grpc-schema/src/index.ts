// Node only (reads .proto files). Shared by central (transcoding) and the config CLI (`check`).
export { loadRouteSchemas, type RouteSchemas } from "./check.ts";
export {
  type FieldKind,
  fieldKind,
  findField,
  jsonNameOf,
  resolveFieldPath,
  SCALAR_LIKE_TYPES,
} from "./fields.ts";
export { loadProtos, ProtoLoadError, VENDORED_PROTO_DIR } from "./load-protos.ts";
export {
  createTemplateMatcher,
  type MatcherEntry,
  type MatchResult,
  matchTemplate,
  type TemplateMatcher,
} from "./matcher.ts";
export {
  buildGrpcSchema,
  type GrpcMethod,
  type GrpcSchema,
  type GrpcSchemaResult,
  type HttpBinding,
} from "./schema.ts";
export {
  type PathTemplate,
  parseTemplate,
  TemplateError,
  type TemplateVariable,
  templateShape,
} from "./template.ts";
