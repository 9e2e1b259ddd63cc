/**
 * Lua scripts run atomically by Redis: the check and the increment of a quota happen in one step, so
 * any number of processes can share one quota without ever granting more than the limit.
 *
 * Time inside the scripts comes from Redis (`TIME`) for the per-minute window (every process sees the
 * same clock); the day boundary is given by the caller as "milliseconds until midnight in the policy's
 * zone" and set only when the counter is created (`PEXPIRE ... NX`), so a caller with a skewed clock can
 * never stretch a day.
 */

/**
 * take — check-and-increment.
 * KEYS: 1 usage counter, 2 minute window (sorted set), 3 epoch, 4 history counter of the day.
 * ARGV: 1 n, 2 daily limit (-1 none), 3 per-minute limit (-1 none), 4 ms to day end,
 *       5 expected epoch ('' = any), 6 member prefix, 7 partial (1/0), 8 count daily (1/0),
 *       9 history ttl s, 10 minute window ms.
 * Returns {status, granted, before, after, retry_ms, epoch}; status 1 ok, 0 daily exhausted,
 * 2 minute window full, 3 epoch missing or changed (the store lost or replaced its state).
 */
export const TAKE = `
local epoch = redis.call('GET', KEYS[3])
if (not epoch) or (ARGV[5] ~= '' and epoch ~= ARGV[5]) then
  return {3, 0, 0, 0, 0, epoch or ''}
end
local n = tonumber(ARGV[1])
local daily = tonumber(ARGV[2])
local per_minute = tonumber(ARGV[3])
local count_daily = ARGV[8] == '1'
local before = tonumber(redis.call('GET', KEYS[1]) or '0')
if count_daily and daily >= 0 then
  local room = daily - before
  if room <= 0 then return {0, 0, before, before, 0, epoch} end
  if n > room then
    if ARGV[7] == '1' then n = room else return {0, 0, before, before, 0, epoch} end
  end
end
local now_ms = 0
if per_minute >= 0 then
  local t = redis.call('TIME')
  now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local window = tonumber(ARGV[10])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now_ms - window)
  local in_window = redis.call('ZCARD', KEYS[2])
  if in_window + n > per_minute then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    local retry = 1
    if oldest[2] then retry = tonumber(oldest[2]) + window - now_ms + 1 end
    if retry < 1 then retry = 1 end
    return {2, 0, before, before, retry, epoch}
  end
  for i = 1, n do redis.call('ZADD', KEYS[2], now_ms, ARGV[6] .. ':' .. i) end
  redis.call('PEXPIRE', KEYS[2], window + 1000)
end
local after = before
if count_daily then
  after = redis.call('INCRBY', KEYS[1], n)
  redis.call('PEXPIRE', KEYS[1], ARGV[4], 'NX')
  redis.call('INCRBY', KEYS[4], n)
  redis.call('EXPIRE', KEYS[4], ARGV[9], 'NX')
end
return {1, n, before, after, 0, epoch}
`;

/**
 * release — give back unused reserved calls (a local budget) of the same day and epoch. The counter
 * belongs to the lease's day when its TTL matches the caller's "ms to day end" (within a minute).
 * KEYS: 1 usage counter, 2 epoch, 3 history counter of the lease's day.
 * ARGV: 1 n, 2 epoch, 3 ms to day end. Returns the counter after the release (-1 = nothing released).
 */
export const RELEASE = `
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return -1 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 or math.abs(ttl - tonumber(ARGV[3])) > 60000 then return -1 end
local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
if cur < 0 then return -1 end
local n = math.min(tonumber(ARGV[1]), cur)
redis.call('DECRBY', KEYS[3], n)
return redis.call('DECRBY', KEYS[1], n)
`;

/**
 * recover — the first process to notice a lost state installs a new epoch and, in
 * `assume_exhausted` mode, raises every daily counter to its limit, all in one step: no process can
 * spend against a forgotten counter in between.
 * KEYS: 1 epoch, 2.. usage counters. ARGV: 1 old epoch ('' = none known), 2 new epoch, 3 mode
 * (`assume_exhausted`, `keep`, or `init` for a process that never saw an epoch),
 * then (limit, ms to day end) per usage counter. Returns {epoch, installed (1/0), before...}.
 */
export const RECOVER = `
local cur = redis.call('GET', KEYS[1])
if cur then return {cur, 0} end
redis.call('SET', KEYS[1], ARGV[2])
local out = {ARGV[2], 1}
for i = 2, #KEYS do
  local before = tonumber(redis.call('GET', KEYS[i]) or '0')
  table.insert(out, before)
  if ARGV[3] == 'assume_exhausted' then
    local limit = tonumber(ARGV[2 + (i - 1) * 2])
    local ttl = ARGV[3 + (i - 1) * 2]
    if limit >= 0 and before < limit then redis.call('SET', KEYS[i], limit, 'PX', ttl) end
  end
end
return out
`;
