// nginx as the reference reverse proxy: one worker, upstream keep-alive.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@gateway/testing";
import { waitForHttp } from "../lib/wait-for-http.ts";
import type { BenchContext, Contestant, ContestantDefinition } from "./contestant.ts";

/** One worker proxying to `upstreams` (round robin when there are several) over keep-alive. */
export function nginxConf(options: { dir: string; port: number; upstreams: URL[] }): string {
  const { dir } = options;
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, "client_body")};
  proxy_temp_path ${join(dir, "proxy")};
  fastcgi_temp_path ${join(dir, "fastcgi")};
  uwsgi_temp_path ${join(dir, "uwsgi")};
  scgi_temp_path ${join(dir, "scgi")};
  keepalive_requests 1000000;
  upstream static_upstream {
${options.upstreams.map((upstream) => `    server ${upstream.host};`).join("\n")}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${options.port};
    location / {
      proxy_pass http://static_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

export const nginxContestant: ContestantDefinition = {
  id: "nginx",
  label: "nginx (reference)",
  async start(context: BenchContext): Promise<Contestant> {
    const dir = join(context.tmpDir, "nginx");
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const confPath = join(dir, "nginx.conf");
    writeFileSync(confPath, nginxConf({ dir, port, upstreams: [new URL(context.upstreamUrl)] }));
    const child = context.registry.spawn(
      "nginx",
      context.tools.nginx,
      ["-p", dir, "-e", join(dir, "error.log"), "-c", confPath],
      context.serverCores ? { cores: context.serverCores } : {},
    );
    const url = `http://127.0.0.1:${port}${context.path}`;
    await waitForHttp(url, {
      isDead: () => (child.hasExited() ? `nginx exited during start-up:\n${child.output()}` : undefined),
    });
    return {
      id: "nginx",
      label: "nginx (reference)",
      url,
      headers: async () => ({}),
      // master_process off: the one process is the worker.
      cpuPids: () => [child.pid],
      rssPid: () => child.pid,
      assertAlive: () => context.registry.assertAlive(child),
      stop: () => context.registry.stop(child),
    };
  },
};
