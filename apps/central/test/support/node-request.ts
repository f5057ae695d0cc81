import http from "node:http";

export interface NodeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http request: unlike fetch, it lets a test send hop-by-hop headers such as Connection or TE. */
export function nodeRequest(
  url: string,
  opts: {
    method?: string;
    headers?: http.OutgoingHttpHeaders;
    body?: string | Buffer;
    agent?: http.Agent;
  } = {},
): Promise<NodeResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: opts.method ?? "GET", headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}
