import ArgumentParser

/// A backend the key-value benchmark can measure, as named by `--backend` and the output's `backend` field.
enum KVBackendKind: String, CaseIterable, Sendable, ExpressibleByArgument {
    case memory
    case sqlite
    case postgres
    case redis

    /// The operations measured per task count at `--scale 1`, chosen so that one measurement takes roughly 0.1–1 s
    /// on a two-core machine.
    func baseCount(_ operation: KVOperation) -> Int {
        switch (self, operation) {
        case (.memory, .set): return 100_000
        case (.memory, .get): return 200_000
        case (.memory, .range): return 2_000
        case (.memory, .prefix): return 20_000
        case (.memory, .batchSet): return 10_000
        case (.sqlite, .set): return 20_000
        case (.sqlite, .get): return 50_000
        case (.sqlite, .range): return 1_000
        case (.sqlite, .prefix): return 10_000
        case (.sqlite, .batchSet): return 1_000
        case (.postgres, .set): return 5_000
        case (.postgres, .get): return 10_000
        case (.postgres, .range): return 500
        case (.postgres, .prefix): return 2_000
        case (.postgres, .batchSet): return 500
        case (.redis, .set): return 20_000
        case (.redis, .get): return 20_000
        case (.redis, .range): return 500
        case (.redis, .prefix): return 5_000
        case (.redis, .batchSet): return 2_000
        }
    }
}
