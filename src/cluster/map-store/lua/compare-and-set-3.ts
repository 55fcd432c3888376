/** Source of the compare-and-set script; its header documents KEYS, ARGV and returns. */
export const COMPARE_AND_SET_LUA = `--[[
  compare-and-set-3: replace every node of the map if its version is still the expected one.

  KEYS[1] map      hash: node id -> node JSON        (narflow:{<map>}:map)
  KEYS[2] version  string: map version, absent = 0   (narflow:{<map>}:version)
  KEYS[3] events   stream of change notifications    (narflow:{<map>}:events)

  ARGV[1] expected version (decimal integer)
  ARGV[2] approximate maximum length of the events stream
  ARGV[3..] node id, node JSON, node id, node JSON, ... (an even count; none empties the map)

  Returns
    { 1, newVersion }       the map was replaced, the version bumped by 1, and the entry
                            (version = newVersion, kind = "map") appended to the events stream
    { -1, currentVersion }  the version had moved; nothing was written
]]
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if current ~= tonumber(ARGV[1]) then
  return { -1, current }
end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local version = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'version', version, 'kind', 'map')
return { 1, version }
`;
