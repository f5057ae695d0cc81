import net from "node:net";

/**
 * Sends raw bytes and collects everything the server writes until it closes
 * the connection (or `timeoutMs` passes, then the socket is destroyed).
 */
export function rawRequest(port: number, payload: string | Buffer, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (err) => {
      clearTimeout(timer);
      if (chunks.length > 0) resolve(Buffer.concat(chunks).toString("latin1"));
      else reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
    socket.write(payload);
  });
}

export function statusLine(response: string): string {
  return response.split("\r\n", 1)[0] ?? "";
}

export function bodyOf(response: string): string {
  const at = response.indexOf("\r\n\r\n");
  return at === -1 ? "" : response.slice(at + 4);
}
