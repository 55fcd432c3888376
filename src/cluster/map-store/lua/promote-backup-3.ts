/** Source of the fail-over script; its header documents KEYS, ARGV and returns. */
export const PROMOTE_BACKUP_LUA = `--[[
  promote-backup-3: fail a node's primary host over to its first healthy backup.

  KEYS[1] backups  string: the node's backup list, JSON [{ host, status }], primary first
                   (narflow:{<map>}:backups:<node>)
  KEYS[2] version  string: map version, absent = 0   (narflow:{<map>}:version)
  KEYS[3] events   stream of change notifications    (narflow:{<map>}:events)

  ARGV[1] node id (named in the notification)
  ARGV[2] failed primary host id, address:port
  ARGV[3] expected map version (decimal integer)
  ARGV[4] approximate maximum length of the events stream

  Checks in this order, writing nothing unless all pass:
    { -1, currentVersion }  the map version is not the expected one
    { -3 }                  the failed host is not the node's primary (first entry), or no list
    { -2 }                  no backup after the primary has status "operational"
  Otherwise
    { 1, newPrimary, newVersion }
      the first operational backup becomes the first entry (operational), the other backups keep
      their order, the failed primary goes last with status "non-operational"; the version is bumped
      by 1 and the entry (version, kind = "failover", node, primary = new primary,
      failed = failed primary) is appended to the events stream.
]]
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current ~= tonumber(ARGV[3]) then
  return { -1, current }
end
local raw = redis.call('GET', KEYS[1])
if not raw then
  return { -3 }
end
local list = cjson.decode(raw)
if type(list) ~= 'table' or #list == 0 or list[1].host ~= ARGV[2] then
  return { -3 }
end
local pick = nil
for i = 2, #list do
  if list[i].status == 'operational' then
    pick = i
    break
  end
end
if not pick then
  return { -2 }
end
local out = { { host = list[pick].host, status = 'operational' } }
for i = 2, #list do
  if i ~= pick then
    out[#out + 1] = { host = list[i].host, status = list[i].status }
  end
end
out[#out + 1] = { host = ARGV[2], status = 'non-operational' }
redis.call('SET', KEYS[1], cjson.encode(out))
local version = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'version', version, 'kind', 'failover',
  'node', ARGV[1], 'primary', out[1].host, 'failed', ARGV[2])
return { 1, out[1].host, version }
`;
