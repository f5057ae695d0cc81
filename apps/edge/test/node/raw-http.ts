import { connect } from "node:net";

export interface RawExchange {
  /** Everything the server sent before closing (or before the timeout). */
  text: string;
  /** Status codes of every response in `text`, in order. */
  statuses: number[];
}

/**
 * Writes `request` byte for byte to 127.0.0.1:port and collects the answer
 * until the server closes the connection or `timeoutMs` passes (then it is
 * closed by us): a smuggled second request shows up as a second status line.
 */
export function sendRaw(port: number, request: string | Buffer, timeoutMs = 3000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ text, statuses: responseStatuses(text) });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", finish);
    socket.on("close", finish);
    socket.on("error", (error) => {
      if (chunks.length > 0) finish();
      else {
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

/** One request in HTTP/1.1 wire form; `headers` are written as given (order, case, duplicates). */
export function rawRequest(
  requestLine: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body = "",
): string {
  return `${requestLine}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n${body}`;
}

/**
 * Status codes of the responses in `text`, read one after the other: the status line, the header
 * block, then a Content-Length body (or chunked, or up to the end), so a pipelined response that
 * follows a body on the same line is counted too.
 */
function responseStatuses(text: string): number[] {
  const statuses: number[] = [];
  let at = 0;
  while (at < text.length) {
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(text.slice(at));
    if (match === null) break;
    statuses.push(Number(match[1]));
    const headerEnd = text.indexOf("\r\n\r\n", at);
    if (headerEnd === -1) break;
    const head = text.slice(at, headerEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    at = headerEnd + 4;
    if (length !== null) at += Number(length[1]);
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const end = text.indexOf("\r\n0\r\n\r\n", at - 2);
      if (end === -1) break;
      at = end + 7;
    } else break;
  }
  return statuses;
}
