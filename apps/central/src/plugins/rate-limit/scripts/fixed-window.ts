/**
 * Fixed window: one counter per window aligned to the epoch (all keys roll over
 * together). State: hash { w = window index, c = count }. A stored index that is
 * not the current one counts as zero, so an expired key and a stale one agree.
 */
export const FIXED_WINDOW_LUA = `
local function fixed_window(key, now, limit, window, burst, commit)
  local index = math.floor(now / window)
  local reset = (index + 1) * window - now
  local state = redis.call('HMGET', key, 'w', 'c')
  local count = 0
  if tonumber(state[1]) == index then count = tonumber(state[2]) or 0 end
  if count >= limit then return {0, 0, reset, reset} end
  if not commit then return {1, limit - count, count > 0 and reset or 0, 0} end
  redis.call('HSET', key, 'w', fmt(index), 'c', count + 1)
  redis.call('PEXPIRE', key, math.ceil(reset) + EXPIRY_SLACK_MS)
  return {1, limit - count - 1, reset, 0}
end
`;
