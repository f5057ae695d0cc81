import type { GrpcRouteConfig } from "@gateway/types";
import protobuf from "protobufjs";
import { fieldKind, findField, resolveFieldPath } from "./fields.ts";
import { type HttpRule, httpRulesOf } from "./http-rule.ts";
import { loadProtos, ProtoLoadError } from "./load-protos.ts";
import { type PathTemplate, parseTemplate, TemplateError, templateShape } from "./template.ts";

export interface GrpcMethod {
  /** `package.Service.Method` */
  fullName: string;
  /** The HTTP/2 :path of the call, `/package.Service/Method`. */
  path: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  requestStream: boolean;
  responseStream: boolean;
}

/** One REST route made from one HttpRule of one method. */
export interface HttpBinding {
  grpc: GrpcMethod;
  httpMethod: string;
  template: PathTemplate;
  /** undefined: no body; "*": the whole request message; else a top-level request field. */
  body?: string;
  /** A top-level response field sent instead of the whole response message. */
  responseBody?: string;
}

export interface GrpcSchema {
  root: protobuf.Root;
  bindings: HttpBinding[];
  /** Methods with rules that stream from the client (served as 501). */
  clientStreaming: string[];
}

export type GrpcSchemaResult = { ok: true; schema: GrpcSchema } | { ok: false; problems: string[] };

type Source = Pick<GrpcRouteConfig, "protos" | "includeDirs" | "services">;

/**
 * Loads the route's protos and turns every google.api.http rule of the selected
 * services into a binding, checking that each rule can be honoured: the template
 * parses, bound fields exist and are singular scalars, body and response_body name
 * top-level fields, no two rules collide. Problems name the method and the reason.
 */
export function buildGrpcSchema(source: Source): GrpcSchemaResult {
  let root: protobuf.Root;
  try {
    root = loadProtos(source.protos, source.includeDirs);
  } catch (error) {
    if (error instanceof ProtoLoadError) return { ok: false, problems: [error.message] };
    throw error;
  }
  const problems: string[] = [];
  const services = selectServices(root, source.services, problems);
  const bindings: HttpBinding[] = [];
  const clientStreaming: string[] = [];
  for (const service of services) {
    for (const method of service.methodsArray) {
      const grpc = methodOf(service, method);
      const ruleProblems: string[] = [];
      const rules = httpRulesOf(method, ruleProblems);
      for (const problem of ruleProblems) problems.push(`${grpc.fullName}: ${problem}`);
      if (rules.length > 0 && grpc.requestStream) clientStreaming.push(grpc.fullName);
      for (const rule of rules) {
        const binding = bindingOf(grpc, rule, (reason) =>
          problems.push(`${grpc.fullName}: ${rule.httpMethod.toLowerCase()} "${rule.path}": ${reason}`),
        );
        if (binding !== undefined) bindings.push(binding);
      }
    }
  }
  reportCollisions(bindings, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, schema: { root, bindings, clientStreaming } };
}

function selectServices(
  root: protobuf.Root,
  names: readonly string[],
  problems: string[],
): protobuf.Service[] {
  const all = allServices(root);
  if (names.length === 0) {
    if (all.length === 0) problems.push("the protos define no service");
    return all;
  }
  const selected: protobuf.Service[] = [];
  for (const name of names) {
    const service = all.find((candidate) => candidate.fullName === `.${name}`);
    if (service === undefined)
      problems.push(
        `no service "${name}" in the protos (found: ${all.map((s) => s.fullName.slice(1)).join(", ") || "none"})`,
      );
    else selected.push(service);
  }
  return selected;
}

function allServices(namespace: protobuf.NamespaceBase): protobuf.Service[] {
  const found: protobuf.Service[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Service) found.push(nested);
    else if (nested instanceof protobuf.Namespace) found.push(...allServices(nested));
  }
  // The vendored google/api and google/rpc files define no services; protobufjs's bundled ones neither.
  return found;
}

function methodOf(service: protobuf.Service, method: protobuf.Method): GrpcMethod {
  const serviceName = service.fullName.slice(1);
  return {
    fullName: `${serviceName}.${method.name}`,
    path: `/${serviceName}/${method.name}`,
    requestType: method.resolvedRequestType as protobuf.Type,
    responseType: method.resolvedResponseType as protobuf.Type,
    requestStream: method.requestStream === true,
    responseStream: method.responseStream === true,
  };
}

function bindingOf(
  grpc: GrpcMethod,
  rule: HttpRule,
  report: (reason: string) => void,
): HttpBinding | undefined {
  let template: PathTemplate;
  try {
    template = parseTemplate(rule.path);
  } catch (error) {
    if (error instanceof TemplateError) {
      report(`invalid path template: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  let ok = true;
  const fail = (reason: string) => {
    ok = false;
    report(reason);
  };
  for (const variable of template.variables) {
    const chain = resolveFieldPath(grpc.requestType, variable.fieldPath);
    if (!chain.ok) {
      fail(`path variable: ${chain.problem}`);
      continue;
    }
    const leaf = chain.fields.at(-1) as protobuf.Field;
    const name = variable.fieldPath.join(".");
    if (leaf.map || leaf.repeated)
      fail(`path variable "${name}" is a ${leaf.map ? "map" : "repeated"} field`);
    else if (fieldKind(leaf) === "message" || fieldKind(leaf) === "value")
      fail(`path variable "${name}" is a message, not a scalar field`);
  }
  if (rule.body !== undefined && rule.body !== "*") {
    const field = Object.hasOwn(grpc.requestType.fields, rule.body)
      ? grpc.requestType.fields[rule.body]
      : undefined;
    if (field === undefined)
      fail(`body: no top-level field "${rule.body}" in ${grpc.requestType.fullName.slice(1)}`);
    else if (
      template.variables.some(
        (variable) => variable.fieldPath.length === 1 && variable.fieldPath[0] === field.name,
      )
    )
      fail(`body field "${rule.body}" is also bound by the path`);
  }
  if (rule.body !== undefined && rule.httpMethod === "GET") fail("a GET rule cannot have a body");
  if (rule.responseBody !== undefined && findField(grpc.responseType, rule.responseBody) === undefined)
    fail(
      `response_body: no top-level field "${rule.responseBody}" in ${grpc.responseType.fullName.slice(1)}`,
    );
  if (!ok) return undefined;
  return {
    grpc,
    httpMethod: rule.httpMethod,
    template,
    ...(rule.body === undefined ? {} : { body: rule.body }),
    ...(rule.responseBody === undefined ? {} : { responseBody: rule.responseBody }),
  };
}

function reportCollisions(bindings: readonly HttpBinding[], problems: string[]): void {
  const seen = new Map<string, HttpBinding>();
  for (const binding of bindings) {
    const key = `${binding.httpMethod} ${templateShape(binding.template)}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, binding);
      continue;
    }
    problems.push(
      `${binding.grpc.fullName}: ${binding.httpMethod.toLowerCase()} "${binding.template.source}" collides with ` +
        `${first.grpc.fullName}: ${first.httpMethod.toLowerCase()} "${first.template.source}" (they match the same paths)`,
    );
  }
}
