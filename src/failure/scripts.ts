/**
 * Lua scripts of the failed-batch store and the replay jobs (keys in keys.ts). Each runs atomically;
 * batch keys inside a mapping are built from the mapping prefix, as the mapping store's scripts do
 * (a single Redis, not a cluster).
 */

/**
 * Retention for one mapping: drops batches created before ARGV[2] (epoch ms), then the oldest beyond
 * ARGV[3] per mapping, at most ARGV[5] in one call; forgets the mapping when none are left.
 * KEYS: index, mappings set. ARGV: mapping prefix, minCreatedAtMs, maxCount, mappingId, cap.
 * Returns the number of batches dropped.
 */
export const TRIM_SCRIPT = `
local cap = tonumber(ARGV[5])
local removed = 0
local function drop(ids)
  for _, id in ipairs(ids) do
    redis.call('DEL', ARGV[1] .. 'b:' .. id, ARGV[1] .. 'r:' .. id)
    redis.call('ZREM', KEYS[1], id)
  end
  removed = removed + #ids
end
drop(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', 0, cap))
local over = math.min(redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3]), cap - removed)
if over > 0 then drop(redis.call('ZRANGE', KEYS[1], 0, over - 1)) end
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[4]) end
return removed
`;

/**
 * HSET on a batch only if it still exists (a batch deleted meanwhile must not come back as a stub).
 * KEYS: batch hash. ARGV: field to delete ('' for none), then field/value pairs. Returns 1 or 0.
 */
export const UPDATE_IF_EXISTS_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' then redis.call('HDEL', KEYS[1], ARGV[1]) end
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
return 1
`;

/**
 * Claims one batch of a replay job before it is invoked: the result field must not exist yet
 * (HSETNX), so no batch is ever invoked twice by a job, whatever crashed or raced. The batch's
 * replayCount is bumped in the same step (the loop guard counts attempts, not successes).
 * KEYS: results hash, batch hash, lease. ARGV: batch id, claim JSON, lease token.
 * Returns 1 claimed, 0 already has a result, -1 the lease is not ours (stop).
 */
export const CLAIM_SCRIPT = `
if redis.call('GET', KEYS[3]) ~= ARGV[3] then return -1 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HINCRBY', KEYS[2], 'replayCount', 1) end
return 1
`;

/**
 * Records the outcome of a claimed batch, only if the result is still exactly our claim (a runner
 * that took the job over may have settled it as Interrupted meanwhile). On success the batch is
 * marked replayed in the same step. A result that is not a claim (Skipped, Missing) is written the
 * same way with an empty expected claim.
 * KEYS: results hash, job hash, batch hash. ARGV: batch id, expected current ('' = must be absent),
 * result JSON, replayed ('1'|'0'), atMs, counter field to bump on the job.
 * Returns 1 written, 0 not (someone else settled it).
 */
export const SETTLE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], 'done', 1)
redis.call('HINCRBY', KEYS[2], ARGV[6], 1)
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[3], 'state', 'replayed', 'replayedAtMs', ARGV[5])
end
return 1
`;

/** Takes or renews a lease. KEYS: lease. ARGV: token, ttlMs. Returns 1 when held by token. */
export const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Drops a lease if ours. KEYS: lease. ARGV: token. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
