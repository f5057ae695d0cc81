import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export interface Fixture {
  srcFolder: URL;
  remove(): Promise<void>;
}

const SCRIPTS: Record<string, string> = {
  "echo.ts": "console.log([process.env.GREETING, ...process.argv.slice(2)].join(' '));",
  "fail.ts": "console.error('broken'); process.exit(3);",
  "main.ts": [
    "console.log(JSON.stringify({ msg: 'starting' }));",
    // The SIGTERM handler exists before the line the test waits for: a signal right after it exits 0.
    "const timer = setInterval(() => {}, 1000);",
    "process.on('SIGTERM', () => clearInterval(timer));",
    "console.log(JSON.stringify({ msg: 'listening', url: 'http://127.0.0.1:' + process.env.PORT_LABEL }));",
  ].join("\n"),
};

/** A temporary src folder with tiny scripts that behave like an app's CLI and main. */
export async function writeFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), "gw-testing-scripts-"));
  await Promise.all(Object.entries(SCRIPTS).map(([name, body]) => writeFile(join(dir, name), `${body}\n`)));
  return {
    srcFolder: pathToFileURL(`${dir}/`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
