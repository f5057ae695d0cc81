import net from "node:net";
import tls from "node:tls";

export interface RawResponse {
  /** Everything the server wrote, latin1-decoded. */
  text: string;
  statusLine: string;
  status: number;
  /** Lower-cased header names of the first response; repeated names keep the last value. */
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (rather than the test timing out). */
  closedByServer: boolean;
}

export function parseRawResponse(text: string, closedByServer: boolean): RawResponse {
  const headEnd = text.indexOf("\r\n\r\n");
  const head = headEnd === -1 ? text : text.slice(0, headEnd);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    text,
    statusLine,
    status: Number(statusLine.split(" ")[1] ?? 0),
    headers,
    body: headEnd === -1 ? "" : text.slice(headEnd + 4),
    closedByServer,
  };
}

export interface RawOptions {
  timeoutMs?: number;
  /** Pieces sent one after another with this pause between them. */
  pauseMs?: number;
  tls?: tls.ConnectionOptions;
}

/**
 * Writes raw bytes (one payload, or pieces with a pause between them) and
 * collects everything until the server closes or `timeoutMs` passes.
 */
export function sendRaw(
  port: number,
  payload: string | Buffer | Array<string | Buffer>,
  options: RawOptions = {},
): Promise<RawResponse> {
  const pieces = Array.isArray(payload) ? payload : [payload];
  return new Promise((resolve, reject) => {
    const socket =
      options.tls === undefined
        ? net.connect(port, "127.0.0.1")
        : tls.connect({ port, host: "127.0.0.1", ...options.tls });
    const chunks: Buffer[] = [];
    let closedByServer = true;
    let timers: NodeJS.Timeout[] = [];
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, options.timeoutMs ?? 3000);
    const finish = () => {
      clearTimeout(timer);
      for (const t of timers) clearTimeout(t);
      timers = [];
      resolve(parseRawResponse(Buffer.concat(chunks).toString("latin1"), closedByServer));
    };
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (err) => {
      if (chunks.length === 0 && options.tls !== undefined) {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on("close", finish);
    const start = () => {
      pieces.forEach((piece, i) => {
        timers.push(
          setTimeout(
            () => {
              if (!socket.destroyed) socket.write(piece);
            },
            i * (options.pauseMs ?? 0),
          ),
        );
      });
    };
    if (options.tls === undefined) start();
    else socket.once("secureConnect", start);
  });
}

export function errorCode(response: RawResponse): string | undefined {
  if (!response.body.startsWith("{")) return undefined;
  return (JSON.parse(response.body) as { error?: { code?: string } }).error?.code;
}
