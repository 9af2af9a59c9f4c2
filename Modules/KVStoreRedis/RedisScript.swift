/// A Lua script the store runs on the server, so that a value and its index entry change together.
///
/// Scripts run atomically: no other client's command runs between their commands. A backend loads every script
/// with `SCRIPT LOAD` when it opens and keeps the SHA-1 names the server returns, so calls are `EVALSHA` and no
/// hash is computed here; a server that later does not know a script (`NOSCRIPT`: it restarted or flushed its
/// script cache) gets it again with `SCRIPT LOAD` in the same round trip as the retried call. See
/// ``RedisKeyValueBackend``.
package struct RedisScript: Sendable, Hashable {
    /// A name for logs and errors, such as `set`.
    package let name: String

    /// The Lua source.
    package let source: String

    /// Creates a script.
    ///
    /// - Parameters:
    ///   - name: A name for logs and errors.
    ///   - source: The Lua source.
    package init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    /// Every script a backend loads when it opens.
    package static let all: [RedisScript] = [.set, .delete, .entries, .count]

    /// `EVALSHA <sha> <number of keys> <keys…> <arguments…>`: one call of the script, ready to send.
    ///
    /// - Parameters:
    ///   - sha: The script's name on the server, from `SCRIPT LOAD` (lowercase hex SHA-1 as ASCII bytes).
    ///   - keys: The script's `KEYS`.
    ///   - arguments: The script's `ARGV`.
    /// - Returns: The command, built with one allocation for its argument list.
    package func command(sha: [UInt8], keys: [[UInt8]], arguments: [[UInt8]]) -> [[UInt8]] {
        var command: [[UInt8]] = []
        command.reserveCapacity(3 + keys.count + arguments.count)
        command.append(RedisCommandName.evalsha)
        command.append(sha)
        command.append(keys.count == 1 ? RedisCommandName.one : Array(String(keys.count).utf8))
        command.append(contentsOf: keys)
        command.append(contentsOf: arguments)
        return command
    }

    /// The number of index members a range or count script reads per `ZRANGEBYLEX`.
    package static let scanBatchSize = 256

    /// Writes entries and their index members.
    ///
    /// `KEYS[1]` is the index; `ARGV[1]` the value-key prefix; then one triple per entry: the key, the value and
    /// the last millisecond at which the value is visible (`PXAT`), or an empty string for no expiry. A triple whose
    /// millisecond is not after the server's `TIME` deletes the key instead. A plain `SET` clears an earlier expiry.
    package static let set = RedisScript(
        name: "set",
        source: """
            local index = KEYS[1]
            local prefix = ARGV[1]
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            for i = 2, #ARGV, 3 do
              local key = ARGV[i]
              local valueKey = prefix .. key
              local expireAt = ARGV[i + 2]
              if expireAt == '' then
                redis.call('SET', valueKey, ARGV[i + 1])
                redis.call('ZADD', index, 0, key)
              elseif tonumber(expireAt) <= now then
                redis.call('DEL', valueKey)
                redis.call('ZREM', index, key)
              else
                redis.call('SET', valueKey, ARGV[i + 1], 'PXAT', expireAt)
                redis.call('ZADD', index, 0, key)
              end
            end
            return (#ARGV - 1) / 3
            """
    )

    /// Deletes a value and its index member. `KEYS[1]` is the index, `KEYS[2]` the value key, `ARGV[1]` the key.
    package static let delete = RedisScript(
        name: "delete",
        source: """
            redis.call('DEL', KEYS[2])
            redis.call('ZREM', KEYS[1], ARGV[1])
            return 0
            """
    )

    /// Returns the live entries of a key range, removing the index members of expired values on the way.
    ///
    /// `KEYS[1]` is the index; `ARGV` are the value-key prefix, the `ZRANGEBYLEX` minimum and maximum, the limit
    /// (`-1` for none) and the batch size. Returns a flat array of key, value, `PEXPIRETIME` (`-1` for none) triples.
    package static let entries = RedisScript(
        name: "entries",
        source: """
            local index = KEYS[1]
            local prefix = ARGV[1]
            local min = ARGV[2]
            local max = ARGV[3]
            local limit = tonumber(ARGV[4])
            local batch = tonumber(ARGV[5])
            local result = {}
            local found = 0
            while limit < 0 or found < limit do
              local members = redis.call('ZRANGEBYLEX', index, min, max, 'LIMIT', 0, batch)
              for _, key in ipairs(members) do
                local valueKey = prefix .. key
                local value = redis.call('GET', valueKey)
                if value then
                  result[#result + 1] = key
                  result[#result + 1] = value
                  result[#result + 1] = redis.call('PEXPIRETIME', valueKey)
                  found = found + 1
                  if limit >= 0 and found >= limit then break end
                else
                  redis.call('ZREM', index, key)
                end
              end
              if #members < batch then break end
              min = '(' .. members[#members]
            end
            return result
            """
    )

    /// Counts the live keys of a namespace, removing the index members of expired values on the way.
    ///
    /// `KEYS[1]` is the index; `ARGV` are the value-key prefix and the batch size.
    package static let count = RedisScript(
        name: "count",
        source: """
            local index = KEYS[1]
            local prefix = ARGV[1]
            local batch = tonumber(ARGV[2])
            local min = '-'
            local found = 0
            while true do
              local members = redis.call('ZRANGEBYLEX', index, min, '+', 'LIMIT', 0, batch)
              for _, key in ipairs(members) do
                if redis.call('EXISTS', prefix .. key) == 1 then
                  found = found + 1
                else
                  redis.call('ZREM', index, key)
                end
              end
              if #members < batch then break end
              min = '(' .. members[#members]
            end
            return found
            """
    )
}
