import Foundation
import KVStoreRedis

/// The Redis baseline: `redis-benchmark` as a subprocess sending the same commands our store sends, against the
/// same server, at the same concurrency (`-c <tasks>`), without pipelining (`-P 1`), reporting its own requests per
/// second (`--csv`). The ratio then measures our client's overhead, as the SQLite baseline runs the store's own
/// statements through the raw C API.
///
/// Its value keys are `stackkit-bench:<member>` and its index is the sorted set `stackkit-bench:index`: the layout
/// of a store namespace whose value-key prefix is `stackkit-bench:`. A member is what `__rand_int__` expands to (12
/// digits, `-r` choosing the range), so a key drawn at random is a key of the data. The command per operation,
/// the store's own scripts (``RedisScript``) called with `EVALSHA` and the same `numkeys`, keys and arguments:
///
/// - set: `EVALSHA <sha of the set script> 1 stackkit-bench:index stackkit-bench: __rand_int__ <value> ""`
///   (`-r 10000`), the store's `set(_:value:)`: `SET` plus `ZADD` in one script;
/// - get: `GET stackkit-bench:__rand_int__` (`-r 10000`), every key present, as the store's `get(_:)`;
/// - range: `EVALSHA <sha of the entries script> 1 stackkit-bench:index stackkit-bench: [__rand_int__ + 1000 256`
///   (`-r 9000`): 1,000 entries with values and expiries from a random start. The store passes the range's
///   exclusive end and no limit instead of `+` and a limit of 1,000, which redis-benchmark cannot compute from the
///   random start; the script reads the same 1,000 members in the same four `ZRANGEBYLEX` batches of 256;
/// - prefix: `EVALSHA <sha of the entries script> 1 stackkit-bench:index stackkit-bench: [__rand_int__ + 100 100`
///   (`-r 100`), over members `<12-digit group><2 digits>` so that `__rand_int__` is a prefix of 100 members: the
///   100 entries of a random prefix in one `ZRANGEBYLEX`, as the store's `(<end>` bound with no limit reads them;
/// - batch_set: the set script with 100 `__rand_int__ <value> ""` triples (`-r 10000`), the store's `set(_:)`.
///
/// The scripts are loaded with `SCRIPT LOAD` before each run, which must return the SHA-1 the store sends.
/// Before each run the key space is deleted and, for the reading operations, refilled with `redis-cli --pipe`;
/// a server-side script then checks the data, each range and prefix command is run once with `redis-cli` and its
/// entries checked, and after the writing operations a script checks that values of 100 bytes were written with
/// their index members. redis-benchmark fails on any error reply. So a failing baseline cannot look fast. The
/// password reaches `redis-cli` through `REDISCLI_AUTH` and `redis-benchmark` through `-a` (it has no other
/// way); neither command line is ever printed.
struct RedisBenchmarkRunner: Sendable {
    static let keyPrefix = "stackkit-bench:"
    static let indexKey = "stackkit-bench:index"

    /// How the 10,000 members (and value keys) are named for an operation.
    enum Layout: Sendable {
        /// Member `i` is `i` in 12 digits: `__rand_int__` names one key.
        case flat
        /// Member `i` is `i / 100` in 12 digits then `i % 100` in 2: `__rand_int__` is a prefix of 100 members.
        case grouped

        /// The layout as the `grouped` flag of the Lua `member` function below.
        var luaFlag: String {
            switch self {
            case .flat: return "0"
            case .grouped: return "1"
            }
        }

        func member(_ index: Int) -> String {
            switch self {
            case .flat:
                return KVWorkload.zeroPadded(index, width: 12)
            case .grouped:
                return KVWorkload.zeroPadded(index / KVWorkload.prefixLength, width: 12)
                    + KVWorkload.zeroPadded(index % KVWorkload.prefixLength, width: 2)
            }
        }
    }

    /// Lua for `member(i)` of a layout, `grouped` being `ARGV`'s layout flag.
    private static let luaMember = """
        local function member(i, grouped)
          if grouped == '1' then return string.format('%012d%02d', math.floor(i / 100), i % 100) end
          return string.format('%012d', i)
        end
        """

    let url: ServerURL
    let workload: KVWorkload

    /// A 100-byte ASCII value.
    private var value: String { String(repeating: "v", count: KVWorkload.valueSize) }

    private var database: String { self.url.database.isEmpty ? "0" : self.url.database }

    /// `AUTH` with a user other than `default` needs `--user`.
    private var userArguments: [String] {
        guard let user = self.url.user, user != "default", self.url.password != nil else { return [] }
        return ["--user", user]
    }

    /// Checks that both tools are installed.
    func checkTools() async throws {
        for tool in ["redis-benchmark", "redis-cli"] {
            let output = try await Subprocess.run([tool, "--version"])
            try BenchError.check(output.status == 0, "\(tool) is not installed (Debian package redis-tools)")
        }
    }

    /// Runs `total` requests of the operation's command at `tasks` connections; returns requests per second.
    func measure(_ operation: KVOperation, tasks: Int, total: Int) async throws -> Double {
        let layout = Self.layout(for: operation)
        try await self.reset(populated: operation.readsData ? layout : nil)
        let before = try await self.inspect(layout)
        if operation.readsData {
            try BenchError.check(
                before
                    == Inspection(
                        present: KVWorkload.keyCount,
                        wrongSize: 0,
                        indexSize: KVWorkload.keyCount,
                        prefixSize: KVWorkload.prefixLength
                    ),
                "redis baseline data is not in place: \(before)"
            )
        } else {
            try BenchError.check(
                before.present == 0 && before.indexSize == 0,
                "redis baseline keys were not deleted: \(before)"
            )
        }
        let sha = try await self.loadScript(for: operation)
        try await self.probe(operation, sha: sha)

        var arguments = ["redis-benchmark", "-h", self.url.host, "-p", String(self.url.port), "--dbnum", self.database]
        if let password = self.url.password {
            arguments += self.userArguments + ["-a", password]
        }
        arguments += ["-c", String(tasks), "-n", String(total), "-P", "1", "-r", String(Self.keySpace(for: operation))]
        arguments += ["--csv"]
        arguments += self.command(for: operation, sha: sha)
        let output = try await Subprocess.run(arguments)
        guard output.status == 0, let rate = Self.requestsPerSecond(fromCSV: output.standardOutput), rate > 0 else {
            let detail = (output.standardError + output.standardOutput).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BenchError("redis-benchmark (\(operation.rawValue)) failed with status \(output.status): \(detail)")
        }

        let after = try await self.inspect(layout)
        if operation.readsData {
            try BenchError.check(after == before, "redis baseline data changed during a read-only run: \(after)")
        } else {
            try BenchError.check(
                after.present > 0 && after.wrongSize == 0,
                "redis baseline \(operation.rawValue) did not write \(KVWorkload.valueSize)-byte values: \(after)"
            )
            try BenchError.check(
                after.indexSize == after.present,
                "redis baseline \(operation.rawValue) left the index out of step with the values: \(after)"
            )
        }
        return rate
    }

    /// Deletes the baseline's keys and index.
    func cleanup() async throws {
        try await self.reset(populated: nil)
    }

    /// Deletes the keys and index of one of our namespaces (value keys start with `valuePrefix`).
    func deleteNamespace(indexKey: [UInt8], valuePrefix: [UInt8]) async throws {
        let script = """
            local members = redis.call('ZRANGE', KEYS[1], 0, -1)
            for _, member in ipairs(members) do redis.call('DEL', ARGV[1] .. member) end
            redis.call('DEL', KEYS[1])
            return #members
            """
        _ = try await self.cli([
            "EVAL", script, "1", String(decoding: indexKey, as: UTF8.self),
            String(decoding: valuePrefix, as: UTF8.self),
        ])
    }

    /// The key layout an operation's command needs.
    private static func layout(for operation: KVOperation) -> Layout {
        operation == .prefix ? .grouped : .flat
    }

    /// `-r`: the range `__rand_int__` is drawn from, as our loop draws its keys, range starts and prefixes.
    private static func keySpace(for operation: KVOperation) -> Int {
        switch operation {
        case .set, .get, .batchSet: return KVWorkload.keyCount
        case .range: return KVWorkload.rangeStarts
        case .prefix: return KVWorkload.keyCount / KVWorkload.prefixLength
        }
    }

    /// The store's script an operation calls, or `nil` for `get` (a plain `GET`).
    private static func script(for operation: KVOperation) -> RedisScript? {
        switch operation {
        case .set, .batchSet: return .set
        case .range, .prefix: return .entries
        case .get: return nil
        }
    }

    /// Loads the operation's script with `SCRIPT LOAD`, as the store does when it opens, and returns the SHA-1
    /// name the server gives it (`nil` for `get`).
    private func loadScript(for operation: KVOperation) async throws -> String? {
        guard let script = Self.script(for: operation) else { return nil }
        let loaded = try await self.cli(["SCRIPT", "LOAD", script.source])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try BenchError.check(
            loaded.count == 40 && loaded.allSatisfy(\.isHexDigit),
            "SCRIPT LOAD of the \(script.name) script returned \(loaded), not a SHA-1"
        )
        return loaded
    }

    /// The store's command for `operation`, as redis-benchmark arguments, with `__rand_int__` where it varies.
    private func command(for operation: KVOperation, sha: String?) -> [String] {
        let scriptCall = ["EVALSHA", sha ?? "", "1", Self.indexKey, Self.keyPrefix]
        let entry = ["__rand_int__", self.value, ""]
        switch operation {
        case .set: return scriptCall + entry
        case .get: return ["GET", Self.keyPrefix + "__rand_int__"]
        case .range:
            return scriptCall + [
                "[__rand_int__", "+", String(KVWorkload.rangeLength), String(RedisScript.scanBatchSize),
            ]
        case .prefix:
            return scriptCall + [
                "[__rand_int__", "+", String(KVWorkload.prefixLength), String(KVWorkload.prefixLength),
            ]
        case .batchSet:
            return scriptCall + Array(repeating: entry, count: KVWorkload.batchSize).flatMap { $0 }
        }
    }

    /// Runs a range or prefix command once with `redis-cli`, `__rand_int__` expanded to a fixed draw, and checks
    /// that it returns the right entries: key, 100-byte value and no expiry, from the expected first member.
    private func probe(_ operation: KVOperation, sha: String?) async throws {
        let draw: Int
        let length: Int
        let layout = Self.layout(for: operation)
        switch operation {
        case .range:
            draw = 1_234
            length = KVWorkload.rangeLength
        case .prefix:
            draw = 12
            length = KVWorkload.prefixLength
        case .set, .get, .batchSet:
            return
        }
        let expanded = KVWorkload.zeroPadded(draw, width: 12)
        let command = self.command(for: operation, sha: sha).map {
            $0.replacingOccurrences(of: "__rand_int__", with: expanded)
        }
        let lines = try await self.cli(command).split(whereSeparator: \.isNewline).map(String.init)
        let first = operation == .range ? draw : draw * KVWorkload.prefixLength
        var expected: [String] = []
        for index in first..<(first + length) {
            expected += [layout.member(index), self.value, "-1"]
        }
        try BenchError.check(
            lines == expected,
            "redis baseline \(operation.rawValue) returned \(lines.count / 3) entries starting at "
                + "\(lines.first ?? "nothing"), not \(length) from \(layout.member(first))"
        )
    }

    /// The `rps` column of the last result line of `redis-benchmark --csv`.
    static func requestsPerSecond(fromCSV csv: String) -> Double? {
        let lines = csv.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("\"") && !$0.hasPrefix("\"test\"") }
        guard let line = lines.last else { return nil }
        // The test name may be long, but it contains no comma; the seven numeric columns follow it.
        let fields = line.split(separator: ",")
        guard fields.count >= 8 else { return nil }
        return Double(fields[fields.count - 7].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
    }

    /// Deletes the key space (in both layouts) and the index, then refills both in `populated`'s layout.
    private func reset(populated layout: Layout?) async throws {
        let script =
            Self.luaMember + """

                for i = 0, tonumber(ARGV[2]) - 1 do
                  redis.call('DEL', ARGV[1] .. member(i, '0'), ARGV[1] .. member(i, '1'))
                end
                redis.call('DEL', KEYS[1])
                return 0
                """
        _ = try await self.cli(["EVAL", script, "1", Self.indexKey, Self.keyPrefix, String(KVWorkload.keyCount)])
        guard let layout else { return }
        var input = ""
        for index in 0..<KVWorkload.keyCount {
            input += "SET \(Self.keyPrefix)\(layout.member(index)) \(self.value)\r\n"
        }
        var start = 0
        while start < KVWorkload.keyCount {
            let members = (start..<min(start + 100, KVWorkload.keyCount)).map { "0 \(layout.member($0))" }
            input += "ZADD \(Self.indexKey) \(members.joined(separator: " "))\r\n"
            start += 100
        }
        let output = try await Subprocess.run(
            self.cliArguments + ["--pipe"],
            input: input,
            environment: self.cliEnvironment
        )
        try BenchError.check(
            output.status == 0 && output.standardOutput.contains("errors: 0"),
            "redis-cli --pipe could not fill the baseline keys: \(output.standardOutput) \(output.standardError)"
        )
    }

    /// What the baseline's key space holds.
    private struct Inspection: Equatable, CustomStringConvertible {
        var present: Int
        var wrongSize: Int
        var indexSize: Int
        /// Index members in the group of 100 from member 1,200 (a prefix's worth).
        var prefixSize: Int

        var description: String {
            "\(self.present) keys, \(self.wrongSize) of another size, index of \(self.indexSize), "
                + "\(self.prefixSize) in [member 1200, member 1300)"
        }
    }

    private func inspect(_ layout: Layout) async throws -> Inspection {
        let script =
            Self.luaMember + """

                local present, wrong = 0, 0
                for i = 0, tonumber(ARGV[2]) - 1 do
                  local length = redis.call('STRLEN', ARGV[1] .. member(i, ARGV[4]))
                  if length > 0 then
                    present = present + 1
                    if length ~= tonumber(ARGV[3]) then wrong = wrong + 1 end
                  end
                end
                local group = redis.call('ZLEXCOUNT', KEYS[1], '[' .. member(1200, ARGV[4]), '(' .. member(1300, ARGV[4]))
                return {present, wrong, redis.call('ZCARD', KEYS[1]), group}
                """
        let reply = try await self.cli([
            "EVAL", script, "1", Self.indexKey, Self.keyPrefix, String(KVWorkload.keyCount),
            String(KVWorkload.valueSize), layout.luaFlag,
        ])
        let numbers = reply.split(whereSeparator: \.isNewline).compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard numbers.count == 4 else {
            throw BenchError("unexpected reply from the redis baseline check: \(reply)")
        }
        return Inspection(present: numbers[0], wrongSize: numbers[1], indexSize: numbers[2], prefixSize: numbers[3])
    }

    private var cliArguments: [String] {
        ["redis-cli", "-h", self.url.host, "-p", String(self.url.port), "-n", self.database] + self.userArguments
    }

    private var cliEnvironment: [String: String] {
        self.url.password.map { ["REDISCLI_AUTH": $0] } ?? [:]
    }

    /// Runs one `redis-cli` command and returns its output; an error reply throws.
    private func cli(_ command: [String]) async throws -> String {
        let output = try await Subprocess.run(self.cliArguments + command, environment: self.cliEnvironment)
        let text = output.standardOutput
        let failed =
            output.status != 0 || text.hasPrefix("ERR") || text.hasPrefix("NOAUTH") || text.hasPrefix("WRONGPASS")
            || text.hasPrefix("NOSCRIPT")
        if failed || text.hasPrefix("(error)") {
            throw BenchError("redis-cli \(command.first ?? "") failed: \(text) \(output.standardError)")
        }
        return text
    }
}
