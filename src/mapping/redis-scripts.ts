/**
 * Lua scripts of the Redis mapping store. Each runs atomically, so a duplicate check and the write it
 * guards cannot interleave with another instance's. Compare-and-set compares the whole stored JSON
 * string the caller read (no cjson needed), so any concurrent write makes the caller retry.
 *
 * Keys (prefix P, default `klb:`):
 *   P esm:<uuid>            string  the Mapping as JSON
 *   P esm:all               zset    every uuid, score 0 (lexicographic order = list order)
 *   P esm:by-fn:<fnArn>     zset    uuids per function ARN
 *   P esm:by-src:<arn>      zset    uuids per MSK cluster ARN
 *   P esm:dup:<sha256>      string  uuid holding a (function, source, topic) identity
 *   P esm:tags:<uuid>       hash    tags
 * Channel: P esm:changes — JSON `{"uuid","kind"}` per change.
 */

/**
 * KEYS: record, dup, all, by-fn, by-src, tags.
 * ARGV: uuid, json, recordPrefix, channel, message, hasSrc ('1'|'0'), tag k/v pairs...
 * Returns {'ok'} | {'duplicate', holderUuid} | {'exists'}.
 */
export const CREATE_SCRIPT = `
local holder = redis.call('GET', KEYS[2])
if holder and redis.call('EXISTS', ARGV[3] .. holder) == 1 then return {'duplicate', holder} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[4], 0, ARGV[1])
if ARGV[6] == '1' then redis.call('ZADD', KEYS[5], 0, ARGV[1]) end
if #ARGV > 6 then redis.call('HSET', KEYS[6], unpack(ARGV, 7)) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return {'ok'}
`;

/**
 * KEYS: record, oldDup, newDup, oldFnIndex, newFnIndex.
 * ARGV: expectedJson, newJson, uuid, recordPrefix, channel, message ('' = no notice).
 * Returns {'ok'} | {'missing'} | {'stale'} | {'duplicate', holderUuid}.
 */
export const UPDATE_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur then return {'missing'} end
if cur ~= ARGV[1] then return {'stale'} end
if KEYS[2] ~= KEYS[3] then
  local holder = redis.call('GET', KEYS[3])
  if holder and holder ~= ARGV[3] and redis.call('EXISTS', ARGV[4] .. holder) == 1 then
    return {'duplicate', holder}
  end
  redis.call('SET', KEYS[3], ARGV[3])
  if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
end
if KEYS[4] ~= KEYS[5] then
  redis.call('ZREM', KEYS[4], ARGV[3])
  redis.call('ZADD', KEYS[5], 0, ARGV[3])
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
return {'ok'}
`;

/**
 * KEYS: record, dup, all, by-fn, by-src, tags.
 * ARGV: expectedJson, uuid, channel, message.
 * Returns 'ok' | 'missing' | 'stale'.
 */
export const REMOVE_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 'missing' end
if cur ~= ARGV[1] then return 'stale' end
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
redis.call('DEL', KEYS[1], KEYS[6])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 'ok'
`;

/**
 * KEYS: record, tags. ARGV: maxTags, k/v pairs...
 * Returns 1 ok | -1 missing | -2 too many tags.
 */
export const TAG_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local added = 0
for i = 2, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then added = added + 1 end
end
if redis.call('HLEN', KEYS[2]) + added > tonumber(ARGV[1]) then return -2 end
if #ARGV > 1 then redis.call('HSET', KEYS[2], unpack(ARGV, 2)) end
return 1
`;

/** KEYS: record, tags. ARGV: keys... Returns 1 ok | -1 missing. */
export const UNTAG_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if #ARGV > 0 then redis.call('HDEL', KEYS[2], unpack(ARGV)) end
return 1
`;
