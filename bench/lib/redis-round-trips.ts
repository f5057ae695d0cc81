// Counts the Redis commands central sends per request (MONITOR).
import { connect } from "node:net";

const QUIET_MS = 1000;
const MAX_QUIET_WAIT_MS = 15_000;

export interface RoundTrips {
  requests: number;
  /** Commands central sent (MONITOR lines from a client address; commands run inside Lua scripts excluded). */
  commands: number;
  byName: Record<string, number>;
}

/**
 * Counts the Redis commands clients send while `load` runs, with MONITOR.
 * MONITOR shows commands that scripts run as "[0 lua]": those are not round
 * trips and are left out. Counting starts once Redis has been quiet for a
 * second (a slow contestant's last queued requests may still arrive after its
 * round). Only for short windows: MONITOR slows Redis.
 */
export async function countRedisCommands(url: string, load: () => Promise<number>): Promise<RoundTrips> {
  const { port } = new URL(url);
  const socket = connect(Number(port), "127.0.0.1");
  let buffered = "";
  const byName: Record<string, number> = {};
  let commands = 0;
  let lastCommandAt = Date.now();
  let started: () => void = () => {};
  const monitoring = new Promise<void>((resolve) => {
    started = resolve;
  });
  socket.on("data", (data) => {
    buffered += data.toString("latin1");
    const lines = buffered.split("\r\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "+OK") started();
      const match = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
      if (match === null || match[1] === "lua") continue;
      lastCommandAt = Date.now();
      const name = (match[2] as string).toLowerCase();
      byName[name] = (byName[name] ?? 0) + 1;
      commands++;
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.write("MONITOR\r\n");
  await monitoring;
  try {
    const quietSince = Date.now();
    while (Date.now() - lastCommandAt < QUIET_MS && Date.now() - quietSince < MAX_QUIET_WAIT_MS) {
      await new Promise((wait) => setTimeout(wait, 100));
    }
    commands = 0;
    for (const name of Object.keys(byName)) delete byName[name];
    const requests = await load();
    // MONITOR lines trail the replies by a moment.
    await new Promise((wait) => setTimeout(wait, 200));
    return { requests, commands, byName };
  } finally {
    socket.destroy();
  }
}
