import type { IncomingMessage } from "node:http";
import { GatewayError } from "@gateway/types";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The request body as text, at most `limit` bytes; a non-empty body must be JSON. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(new GatewayError("payload_too_large", `request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (size === 0) {
        resolve("");
        return;
      }
      const type = req.headers["content-type"] ?? "";
      if (!JSON_TYPE.test(type)) {
        reject(new GatewayError("unsupported_media_type", "request body must be application/json"));
        return;
      }
      resolve(Buffer.concat(chunks, size).toString("utf8"));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
