import Foundation

/// The Redis baseline: `redis-benchmark` as a subprocess against the same server, at the same concurrency
/// (`-c <tasks>`), without pipelining (`-P 1`), over the same 10,000-key space (`-r 10000`), values of 100 bytes,
/// reporting its own requests per second (`--csv`).
///
/// Its keys are `stackkit-bench:<12 digits>` (what `__rand_int__` expands to) and its index is the sorted set
/// `stackkit-bench:index` holding `p:0000` … `p:9999`. The raw command per operation:
///
/// - set: `SET stackkit-bench:__rand_int__ <value>` (the built-in SET test with `-d 100`, under our key prefix);
/// - get: `GET stackkit-bench:__rand_int__`, every key present;
/// - range: `ZRANGEBYLEX stackkit-bench:index - + LIMIT 0 1000`;
/// - prefix: `ZRANGEBYLEX stackkit-bench:index [p:12 (p:13` (100 members);
/// - batch_set: `MSET` of 100 `stackkit-bench:__rand_int__ <value>` pairs.
///
/// Before each run the key space is deleted and, for the reading operations, refilled with `redis-cli --pipe`;
/// a server-side script then checks the data (and, after the writing operations, that values of 100 bytes were
/// written), so a failing baseline cannot look fast. The password reaches `redis-cli` through `REDISCLI_AUTH` and
/// `redis-benchmark` through `-a` (it has no other way); neither command line is ever printed.
struct RedisBenchmarkRunner: Sendable {
    static let keyPrefix = "stackkit-bench:"
    static let indexKey = "stackkit-bench:index"

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

    /// Runs `total` requests of the operation's raw command at `tasks` connections; returns requests per second.
    func measure(_ operation: KVOperation, tasks: Int, total: Int) async throws -> Double {
        try await self.reset(populated: operation.readsData)
        let before = try await self.inspect()
        if operation.readsData {
            try BenchError.check(
                before
                    == Inspection(
                        present: KVWorkload.keyCount,
                        wrongSize: 0,
                        indexSize: KVWorkload.keyCount,
                        prefixSize: 100
                    ),
                "redis baseline data is not in place: \(before)"
            )
        } else {
            try BenchError.check(before.present == 0, "redis baseline keys were not deleted: \(before)")
        }

        var arguments = ["redis-benchmark", "-h", self.url.host, "-p", String(self.url.port), "--dbnum", self.database]
        if let password = self.url.password {
            arguments += self.userArguments + ["-a", password]
        }
        arguments += ["-c", String(tasks), "-n", String(total), "-P", "1", "-r", String(KVWorkload.keyCount)]
        arguments += ["-d", String(KVWorkload.valueSize), "--csv"]
        arguments += self.command(for: operation)
        let output = try await Subprocess.run(arguments)
        guard output.status == 0, let rate = Self.requestsPerSecond(fromCSV: output.standardOutput), rate > 0 else {
            let detail = (output.standardError + output.standardOutput).trimmingCharacters(in: .whitespacesAndNewlines)
            throw BenchError("redis-benchmark (\(operation.rawValue)) failed with status \(output.status): \(detail)")
        }

        let after = try await self.inspect()
        if operation.readsData {
            try BenchError.check(after == before, "redis baseline data changed during a read-only run: \(after)")
        } else {
            try BenchError.check(
                after.present > 0 && after.wrongSize == 0,
                "redis baseline \(operation.rawValue) did not write \(KVWorkload.valueSize)-byte values: \(after)"
            )
        }
        return rate
    }

    /// Deletes the baseline's keys and index.
    func cleanup() async throws {
        try await self.reset(populated: false)
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

    /// The raw command of `operation`, as redis-benchmark arguments.
    private func command(for operation: KVOperation) -> [String] {
        let key = Self.keyPrefix + "__rand_int__"
        switch operation {
        case .set: return ["SET", key, self.value]
        case .get: return ["GET", key]
        case .range: return ["ZRANGEBYLEX", Self.indexKey, "-", "+", "LIMIT", "0", String(KVWorkload.rangeLength)]
        case .prefix: return ["ZRANGEBYLEX", Self.indexKey, "[p:12", "(p:13"]
        case .batchSet:
            return ["MSET"] + Array(repeating: [key, self.value], count: KVWorkload.batchSize).flatMap { $0 }
        }
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

    /// Deletes the key space and the index, then refills both when `populated`.
    private func reset(populated: Bool) async throws {
        let script = """
            for i = 0, tonumber(ARGV[2]) - 1 do redis.call('DEL', ARGV[1] .. string.format('%012d', i)) end
            redis.call('DEL', KEYS[1])
            return 0
            """
        _ = try await self.cli(["EVAL", script, "1", Self.indexKey, Self.keyPrefix, String(KVWorkload.keyCount)])
        guard populated else { return }
        var input = ""
        for index in 0..<KVWorkload.keyCount {
            input += "SET \(Self.keyPrefix)\(KVWorkload.zeroPadded(index, width: 12)) \(self.value)\r\n"
        }
        var start = 0
        while start < KVWorkload.keyCount {
            let members = self.workload.keys[start..<min(start + 100, KVWorkload.keyCount)].map { "0 \($0)" }
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
        var prefixSize: Int

        var description: String {
            "\(self.present) keys, \(self.wrongSize) of another size, index of \(self.indexSize), "
                + "\(self.prefixSize) in [p:12, p:13)"
        }
    }

    private func inspect() async throws -> Inspection {
        let script = """
            local present, wrong = 0, 0
            for i = 0, tonumber(ARGV[2]) - 1 do
              local length = redis.call('STRLEN', ARGV[1] .. string.format('%012d', i))
              if length > 0 then
                present = present + 1
                if length ~= tonumber(ARGV[3]) then wrong = wrong + 1 end
              end
            end
            return {present, wrong, redis.call('ZCARD', KEYS[1]), redis.call('ZLEXCOUNT', KEYS[1], '[p:12', '(p:13')}
            """
        let reply = try await self.cli([
            "EVAL", script, "1", Self.indexKey, Self.keyPrefix, String(KVWorkload.keyCount),
            String(KVWorkload.valueSize),
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
        if failed || text.hasPrefix("(error)") {
            throw BenchError("redis-cli \(command.first ?? "") failed: \(text) \(output.standardError)")
        }
        return text
    }
}
