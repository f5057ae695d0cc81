/**
 * GCRA (generic cell rate algorithm): one number per key, the theoretical
 * arrival time (TAT) of the next request. Emission interval T = window/limit;
 * a request is admitted if it is no more than (burst - 1)·T early.
 */
export const GCRA_LUA = `
local function gcra(key, now, limit, window, burst, commit)
  local interval = window / limit
  local tat = math.max(tonumber(redis.call('GET', key)) or now, now)
  local allow_at = tat + interval - burst * interval
  if allow_at - now > EPS then return {0, 0, tat - now, allow_at - now} end
  if commit then
    tat = tat + interval
    redis.call('SET', key, fmt(tat), 'PX', math.ceil(tat - now) + EXPIRY_SLACK_MS)
  end
  return {1, math.floor((now - tat + burst * interval) / interval + EPS), tat - now, 0}
end
`;
