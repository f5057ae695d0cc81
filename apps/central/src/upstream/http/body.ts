import type { ClientRequest, IncomingMessage } from "node:http";

/**
 * The client's request body as the attempts see it. The first attempt streams
 * it (nothing is buffered in front of the upstream) and records it on the way,
 * up to `maxRecordedBytes`; a later attempt can resend it only if it was
 * recorded whole. A request without a body is always replayable.
 */
export interface RequestBody {
  /** Prepares an attempt's request for the body the proxy pipes into it (see createRequestBody). */
  sendTo(dest: ClientRequest): void;
  /** Whether another attempt could send the same body again. */
  replayable(): boolean;
}

/** Node's parser only accepts chunked as a request's final transfer coding; its presence means "no declared length". */
export function hasChunkedBody(req: IncomingMessage): boolean {
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === "transfer-encoding") return true;
  }
  return false;
}

function isBodiless(req: IncomingMessage): boolean {
  if (hasChunkedBody(req)) return false;
  const length = req.headers["content-length"];
  return length === undefined || Number(length) === 0;
}

export function createRequestBody(
  req: IncomingMessage,
  maxRecordedBytes: number,
  /** Called with every chunk the client sends (the chunked-body size limit). */
  onChunk: (chunk: Buffer) => void,
): RequestBody {
  const bodiless = isBodiless(req);
  let streamed = false;
  let recorded: Buffer[] | undefined = [];
  let recordedBytes = 0;
  let ended = false;
  return {
    sendTo(dest) {
      // The proxy pipes the client's request into `dest` right after this: the first
      // attempt streams it (recorded on the way); a later one finds it ended, so the pipe
      // only ends `dest` after the recorded body written here.
      if (!streamed) {
        streamed = true;
        if (bodiless) return;
        req.on("data", (chunk: Buffer) => {
          onChunk(chunk);
          if (recorded === undefined) return;
          recordedBytes += chunk.length;
          if (recordedBytes > maxRecordedBytes) recorded = undefined;
          else recorded.push(chunk);
        });
        req.once("end", () => {
          ended = true;
        });
        // A client that breaks off mid-body: the exchange ends on the response's close and aborts the attempt.
        req.on("error", () => {});
        return;
      }
      if (!bodiless && recorded !== undefined && recordedBytes > 0) dest.write(Buffer.concat(recorded));
    },
    replayable: () => bodiless || (ended && recorded !== undefined),
  };
}
