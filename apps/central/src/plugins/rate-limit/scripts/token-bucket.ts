/**
 * Token bucket: capacity `burst`, refilled continuously at limit/window tokens
 * per ms. State: hash { t = tokens, ts = time of t }. The key expires once the
 * bucket would be full again, which is the same as having no key.
 */
export const TOKEN_BUCKET_LUA = `
local function token_bucket(key, now, limit, window, burst, commit)
  local rate = limit / window
  local state = redis.call('HMGET', key, 't', 'ts')
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if tokens == nil or at == nil then
    tokens, at = burst, now
  else
    tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
    -- a clock step backwards must not credit the same interval twice
    at = math.max(at, now)
  end
  if tokens < 1 - EPS then return {0, 0, (burst - tokens) / rate, (1 - tokens) / rate} end
  if commit then
    tokens = tokens - 1
    redis.call('HSET', key, 't', fmt(tokens), 'ts', fmt(at))
    redis.call('PEXPIRE', key, math.ceil((burst - tokens) / rate) + EXPIRY_SLACK_MS)
  end
  return {1, math.floor(tokens + EPS), (burst - tokens) / rate, 0}
end
`;
