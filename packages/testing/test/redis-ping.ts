import { Socket } from "node:net";

/** Sends an inline PING over a plain TCP socket and resolves the first reply line. */
export function ping(port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = "";
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms`));
    });
    socket.once("error", reject);
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString();
      if (!reply.includes("\r\n")) return;
      socket.destroy();
      resolve(reply.slice(0, reply.indexOf("\r\n")));
    });
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
  });
}
