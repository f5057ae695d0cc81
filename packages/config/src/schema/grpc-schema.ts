import { z } from "zod";
import { nonEmptyString, uniqueList } from "./primitives.ts";

// host:port, [ipv6]:port; DNS names per RFC 1123 labels.
const ADDRESS =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;

const address = z.string({ error: "must be a string" }).superRefine((value, ctx) => {
  const port = Number(value.slice(value.lastIndexOf(":") + 1));
  if (!ADDRESS.test(value) || port < 1 || port > 65_535)
    ctx.addIssue({ code: "custom", message: 'must be "host:port" (e.g. "127.0.0.1:50051")' });
});

const serviceName = z
  .string({ error: "must be a string" })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/, {
    error: 'must be a fully qualified service name ("package.Service")',
  });

const forwardHeader = z.string({ error: "must be a string" }).regex(/^x-[a-z0-9-]+$/, {
  error: 'must be a lower-case header name starting with "x-"',
});

/** A route's gRPC upstream: proto files and the server they describe (see docs/grpc.md). */
export const grpcSchema = z.strictObject({
  address,
  tls: z.boolean({ error: "must be true or false" }).default(false),
  protos: uniqueList(nonEmptyString).min(1, { error: "must list at least one .proto file" }),
  includeDirs: uniqueList(nonEmptyString).default(() => []),
  services: uniqueList(serviceName).default(() => []),
  streamFormat: z.enum(["ndjson", "json_array"]).default("ndjson"),
  forwardHeaders: uniqueList(forwardHeader).default(() => []),
});
