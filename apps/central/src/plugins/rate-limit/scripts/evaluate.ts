import { createHash } from "node:crypto";
import type { RateLimitAlgorithm } from "@gateway/types";
import { FIXED_WINDOW_LUA } from "./fixed-window.ts";
import { GCRA_LUA } from "./gcra.ts";
import { SLIDING_WINDOW_LUA } from "./sliding-window.ts";
import { TOKEN_BUCKET_LUA } from "./token-bucket.ts";

/** Keys are kept this long past the moment their state becomes equivalent to no key. */
export const EXPIRY_SLACK_MS = 1000;

/** Two states closer than this (ms, or tokens) are equal: guards float rounding at exact boundaries. */
export const EPSILON = 1e-9;

export const ARGS_PER_CHECK = 4;

/**
 * The one script: KEYS[i] is the state of check i; ARGV[1] is a clock override
 * in ms (empty: Redis TIME, which is what production uses); then per check
 * algorithm, limit, window ms, burst. Pass 1 only reads; pass 2 (only when every
 * check allows) consumes. Returns per check {allowed 0|1, remaining, reset ms,
 * retry ms}, times rounded up to whole ms.
 */
export const EVALUATE_LUA = `
local EPS = ${EPSILON}
local EXPIRY_SLACK_MS = ${EXPIRY_SLACK_MS}
local function fmt(x) return string.format('%.17g', x) end
${SLIDING_WINDOW_LUA}${TOKEN_BUCKET_LUA}${GCRA_LUA}${FIXED_WINDOW_LUA}
local algorithms = {
  sliding_window = sliding_window, token_bucket = token_bucket, gcra = gcra, fixed_window = fixed_window,
}
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end
local function run(i, commit)
  local base = 1 + (i - 1) * ${ARGS_PER_CHECK}
  local algorithm = algorithms[ARGV[base + 1]]
  if algorithm == nil then return redis.error_reply('unknown rate limit algorithm ' .. tostring(ARGV[base + 1])) end
  return algorithm(KEYS[i], now, tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4]), commit)
end
local results, all_allowed = {}, true
for i = 1, #KEYS do
  results[i] = run(i, false)
  if results[i].err then return results[i] end
  if results[i][1] == 0 then all_allowed = false end
end
if all_allowed then
  for i = 1, #KEYS do results[i] = run(i, true) end
end
for i = 1, #KEYS do
  local r = results[i]
  results[i] = {r[1], r[2], math.max(0, math.ceil(r[3] - EPS)), math.max(0, math.ceil(r[4] - EPS))}
end
return results
`;

export const EVALUATE_SHA = createHash("sha1").update(EVALUATE_LUA).digest("hex");

export const ALGORITHMS: readonly RateLimitAlgorithm[] = [
  "sliding_window",
  "token_bucket",
  "gcra",
  "fixed_window",
];
