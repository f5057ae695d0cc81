/**
 * Sliding window log: a sorted set with one member per admitted request, scored
 * by its time. Exact: a request is admitted iff fewer than `limit` requests were
 * admitted in the last `window` ms. Memory is O(limit) per key.
 */
export const SLIDING_WINDOW_LUA = `
local function sliding_window(key, now, limit, window, burst, commit)
  local after = '(' .. fmt(now - window)
  local count = redis.call('ZCOUNT', key, after, '+inf')
  if count >= limit then
    -- the entry whose expiry brings the count back below the limit
    local freeing = redis.call('ZRANGEBYSCORE', key, after, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
    local newest = redis.call('ZREVRANGEBYSCORE', key, '+inf', after, 'WITHSCORES', 'LIMIT', 0, 1)
    return {0, 0, tonumber(newest[2]) + window - now, tonumber(freeing[2]) + window - now}
  end
  if not commit then
    local reset = 0
    if count > 0 then
      local newest = redis.call('ZREVRANGEBYSCORE', key, '+inf', after, 'WITHSCORES', 'LIMIT', 0, 1)
      reset = tonumber(newest[2]) + window - now
    end
    return {1, limit - count, reset, 0}
  end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now - window))
  -- members must be unique; two admissions can share a microsecond
  local member, seq = fmt(now) .. '-' .. count, 0
  while redis.call('ZADD', key, 'NX', fmt(now), member) == 0 do
    seq = seq + 1
    member = fmt(now) .. '-' .. count .. '-' .. seq
  end
  local newest = redis.call('ZREVRANGE', key, 0, 0, 'WITHSCORES')
  local reset = math.max(tonumber(newest[2]), now) + window - now
  redis.call('PEXPIRE', key, math.ceil(reset) + EXPIRY_SLACK_MS)
  return {1, limit - count - 1, reset, 0}
end
`;
