/** Source of the backup-list replacement script; its header documents KEYS, ARGV and returns. */
export const SET_BACKUPS_LUA = `--[[
  set-backups-3: replace a node's backup list and announce it as a new map version.

  KEYS[1] backups  string: the node's backup list, JSON [{ host, status }], primary first
                   (narflow:{<map>}:backups:<node>)
  KEYS[2] version  string: map version, absent = 0   (narflow:{<map>}:version)
  KEYS[3] events   stream of change notifications    (narflow:{<map>}:events)

  ARGV[1] node id (named in the notification)
  ARGV[2] the new list as JSON; an empty string deletes the list
  ARGV[3] approximate maximum length of the events stream

  Returns
    { 1, newVersion }  the list was replaced, the version bumped by 1, and the entry
                       (version, kind = "backups", node) appended to the events stream
]]
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
local version = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'version', version, 'kind', 'backups', 'node', ARGV[1])
return { 1, version }
`;
