import { createHash } from "node:crypto";
import { FIXED_WINDOW_LUA } from "./fixed-window.ts";
import { GCRA_LUA } from "./gcra.ts";
import { SLIDING_WINDOW_LUA } from "./sliding-window.ts";
import { TOKEN_BUCKET_LUA } from "./token-bucket.ts";

/** Keys are kept this long past the moment their state becomes equivalent to no key. */
export const EXPIRY_SLACK_MS = 1000;

/** Two states closer than this (ms, or tokens) are equal: guards float rounding at exact boundaries. */
export const EPSILON = 1e-9;

export const ARGS_PER_CHECK = 4;

/** ARGV entries before the first check's: the clock override, the replay expiry and the mode. */
export const LEADING_ARGS = 3;

/** ARGV[3] for a read-only evaluation: nothing is consumed and the jti is only looked up. */
export const DRY_RUN = "dry";

/**
 * The one script. ARGV[1] is a clock override in ms (empty: Redis TIME, which is
 * what production uses). ARGV[2] is the identity token's replay expiry in unix
 * seconds, or empty when there is no replay check: when set, KEYS[1] is the
 * token's jti key and the script first does `SET KEYS[1] 1 NX EXAT ARGV[2]`,
 * returning the status "replayed" (and touching no limit key) when the jti was
 * already there. The remaining KEYS are one per check, and ARGV continues with
 * algorithm, limit, window ms, burst per check. Pass 1 only reads; pass 2 (only
 * when every check allows) consumes. Returns per check {allowed 0|1, remaining,
 * reset ms, retry ms}, times rounded up to whole ms. ARGV[3] = "dry" makes the
 * whole call read-only: the jti is only looked up (EXISTS) and nothing is
 * consumed; a cluster store uses it when a request's keys span several slots.
 */
export const EVALUATE_LUA = `
local EPS = ${EPSILON}
local EXPIRY_SLACK_MS = ${EXPIRY_SLACK_MS}
local function fmt(x) return string.format('%.17g', x) end
${SLIDING_WINDOW_LUA}${TOKEN_BUCKET_LUA}${GCRA_LUA}${FIXED_WINDOW_LUA}
local algorithms = {
  sliding_window = sliding_window, token_bucket = token_bucket, gcra = gcra, fixed_window = fixed_window,
}
local first_key = 1
local dry = ARGV[3] == '${DRY_RUN}'
if ARGV[2] ~= '' then
  if dry then
    if redis.call('EXISTS', KEYS[1]) == 1 then return {ok = 'replayed'} end
  elseif not redis.call('SET', KEYS[1], '1', 'NX', 'EXAT', ARGV[2]) then
    return {ok = 'replayed'}
  end
  first_key = 2
end
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end
local checks = #KEYS - first_key + 1
local function run(i, commit)
  local base = ${LEADING_ARGS} + (i - 1) * ${ARGS_PER_CHECK}
  local algorithm = algorithms[ARGV[base + 1]]
  if algorithm == nil then return redis.error_reply('unknown rate limit algorithm ' .. tostring(ARGV[base + 1])) end
  return algorithm(KEYS[first_key + i - 1], now, tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4]), commit)
end
local results, all_allowed = {}, true
for i = 1, checks do
  results[i] = run(i, false)
  if results[i].err then return results[i] end
  if results[i][1] == 0 then all_allowed = false end
end
if all_allowed and not dry then
  for i = 1, checks do results[i] = run(i, true) end
end
for i = 1, checks do
  local r = results[i]
  results[i] = {r[1], r[2], math.max(0, math.ceil(r[3] - EPS)), math.max(0, math.ceil(r[4] - EPS))}
end
return results
`;

export const EVALUATE_SHA = createHash("sha1").update(EVALUATE_LUA).digest("hex");
