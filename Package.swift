// swift-tools-version: 6.1
//
// StackKit: the storage, paging, jobs, retrieval and bookkeeping layer of an
// OpenAI-compatible AI stack, as small independent SwiftPM modules.
//
// Layout (see CONTRIBUTING.md): libraries under Modules/<Name>, executables
// under Tools/<name>, one test target per library under Tests/<Name>Tests.
// Every target names its `path:` because none of these are SwiftPM defaults.

import PackageDescription

// MARK: - Dependencies, each named once

let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let postgresNIO: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let multipartKit: Target.Dependency = .product(name: "MultipartKit", package: "multipart-kit")
let tracing: Target.Dependency = .product(name: "Tracing", package: "swift-distributed-tracing")
let inMemoryTracing: Target.Dependency = .product(name: "InMemoryTracing", package: "swift-distributed-tracing")
let coreMetrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")
let metricsTestKit: Target.Dependency = .product(name: "MetricsTestKit", package: "swift-metrics")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")

let package = Package(
    name: "StackKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "StorageRefs", targets: ["StorageRefs"]),
        .library(name: "KVStore", targets: ["KVStore"]),
        .library(name: "KVStorePostgres", targets: ["KVStorePostgres"]),
        .library(name: "KVStoreRedis", targets: ["KVStoreRedis"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
        .library(name: "KVStoreTesting", targets: ["KVStoreTesting"]),
        .library(name: "SQLStore", targets: ["SQLStore"]),
        .library(name: "SQLStoreTesting", targets: ["SQLStoreTesting"]),
        .library(name: "SQLStorePostgres", targets: ["SQLStorePostgres"]),
        .library(name: "OpenAITypes", targets: ["OpenAITypes"]),
        .library(name: "Pagination", targets: ["Pagination"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "InferenceHTTP", targets: ["InferenceHTTP"]),
        .library(name: "Responses", targets: ["Responses"]),
        .library(name: "VectorIO", targets: ["VectorIO"]),
        .library(name: "VectorIOSQLite", targets: ["VectorIOSQLite"]),
        .library(name: "VectorIOPostgres", targets: ["VectorIOPostgres"]),
        .library(name: "Files", targets: ["Files"]),
        .library(name: "FilesMultipart", targets: ["FilesMultipart"]),
        .library(name: "Memory", targets: ["Memory"]),
        .library(name: "MemoryPDF", targets: ["MemoryPDF"]),
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "TelemetryOTLP", targets: ["TelemetryOTLP"]),
        .library(name: "Scoring", targets: ["Scoring"]),
        .library(name: "LocalEmbeddings", targets: ["LocalEmbeddings"]),
        .library(name: "StackKit", targets: ["StackKit"]),
        .executable(name: "stackkit", targets: ["stackkit"]),
        .executable(name: "stackkit-bench", targets: ["stackkit-bench"]),
        .executable(name: "stackkit-example-local-memory", targets: ["stackkit-example-local-memory"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OTLP/HTTP export only: the gRPC exporter's dependencies are not built.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // MARK: Core
        .target(
            name: "StorageRefs",
            dependencies: ["_Instrumentation", yams, logging, tracing, coreMetrics],
            path: "Modules/StorageRefs"
        ),

        // MARK: Key-value stores
        // The system SQLite (Debian's libsqlite3-dev), called through a thin prepared-statement layer (DESIGN §3).
        .systemLibrary(
            name: "CSQLite",
            path: "Modules/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The prepared-statement layer over the SQLite C API shared by KVStore and SQLStore (package access only).
        .target(
            name: "_SQLiteSupport",
            dependencies: ["StorageRefs", "CSQLite"],
            path: "Modules/_SQLiteSupport"
        ),
        .target(
            name: "KVStore",
            dependencies: ["StorageRefs", "_SQLiteSupport", logging],
            path: "Modules/KVStore"
        ),
        // TLS settings and error mapping shared by the PostgreSQL drivers (package access only).
        .target(
            name: "_PostgresSupport",
            dependencies: ["StorageRefs", postgresNIO, nioSSL],
            path: "Modules/_PostgresSupport"
        ),
        .target(
            name: "KVStorePostgres",
            dependencies: ["StorageRefs", "_PostgresSupport", postgresNIO, nioCore, nioSSL, logging],
            path: "Modules/KVStorePostgres"
        ),
        .target(
            name: "KVStoreRedis",
            dependencies: ["StorageRefs", nioCore, nioPosix, logging],
            path: "Modules/KVStoreRedis"
        ),
        .target(
            name: "KVStoreTesting",
            dependencies: ["StorageRefs"],
            path: "Modules/KVStoreTesting"
        ),

        // MARK: Table stores
        .target(
            name: "SQLStore",
            dependencies: ["StorageRefs", "_SQLiteSupport", "CSQLite", logging],
            path: "Modules/SQLStore"
        ),
        .target(
            name: "SQLStorePostgres",
            dependencies: ["StorageRefs", "_PostgresSupport", postgresNIO, nioCore, nioSSL, logging],
            path: "Modules/SQLStorePostgres"
        ),
        .target(
            name: "SQLStoreTesting",
            dependencies: ["StorageRefs", "SQLStore"],
            path: "Modules/SQLStoreTesting"
        ),

        // MARK: Paging (no dependencies at all)
        .target(
            name: "Pagination",
            path: "Modules/Pagination"
        ),

        // MARK: Jobs
        .target(
            name: "Scheduler",
            dependencies: ["StorageRefs", "_Instrumentation", serviceLifecycle, logging, tracing, coreMetrics],
            path: "Modules/Scheduler"
        ),

        // MARK: OpenAI objects and the stores that keep them
        .target(
            name: "OpenAITypes",
            dependencies: ["StorageRefs"],
            path: "Modules/OpenAITypes"
        ),
        .target(
            name: "_TableWriting",
            dependencies: ["StorageRefs", serviceLifecycle, metrics, logging],
            path: "Modules/_TableWriting"
        ),
        .target(
            name: "Inference",
            dependencies: ["StorageRefs", "OpenAITypes", "_TableWriting", "_Instrumentation", serviceLifecycle, logging, tracing, coreMetrics],
            path: "Modules/Inference"
        ),
        // The OpenAI-compatible HTTP client and provider (keeps async-http-client out of store-only builds).
        .target(
            name: "InferenceHTTP",
            dependencies: ["Inference", "OpenAITypes", "StorageRefs", "_Instrumentation", asyncHTTPClient, nioCore, .product(name: "NIOHTTP1", package: "swift-nio"), serviceLifecycle, logging, tracing, coreMetrics],
            path: "Modules/InferenceHTTP"
        ),
        .target(
            name: "Responses",
            dependencies: ["StorageRefs", "OpenAITypes", "_TableWriting", "_Instrumentation", serviceLifecycle, logging, tracing, coreMetrics],
            path: "Modules/Responses"
        ),

        // MARK: Local embeddings
        // Transformer kernels in C (matrix multiply, attention, GELU) with AVX2/FMA and AVX-512 variants chosen at run time.
        .target(
            name: "CEmbeddingKernels",
            path: "Modules/CEmbeddingKernels"
        ),
        // sentence-transformers BERT models (all-MiniLM-L6-v2) in-process; depends on no other StackKit module.
        .target(
            name: "LocalEmbeddings",
            dependencies: ["CEmbeddingKernels"],
            path: "Modules/LocalEmbeddings"
        ),

        // MARK: Retrieval
        // Dot-product kernels in C with per-function AVX2/FMA and AVX-512 variants chosen at run time (DESIGN §8).
        .target(
            name: "CVectorKernels",
            path: "Modules/CVectorKernels"
        ),
        .target(
            name: "VectorIO",
            dependencies: ["StorageRefs", "CVectorKernels", "_Instrumentation", crypto, logging, tracing, coreMetrics],
            path: "Modules/VectorIO"
        ),
        // Keyword search with SQLite FTS5 over a vector index's chunk table.
        .target(
            name: "VectorIOSQLite",
            dependencies: ["VectorIO", "StorageRefs", "SQLStore", "CSQLite"],
            path: "Modules/VectorIOSQLite"
        ),
        // Keyword search with PostgreSQL full-text search over a vector index's chunk table.
        .target(
            name: "VectorIOPostgres",
            dependencies: ["VectorIO", "StorageRefs", "SQLStorePostgres", "_PostgresSupport", postgresNIO],
            path: "Modules/VectorIOPostgres"
        ),
        .target(
            name: "Files",
            dependencies: ["StorageRefs", "_Instrumentation", logging, tracing, coreMetrics],
            path: "Modules/Files"
        ),
        // multipart/form-data helpers for file uploads (keeps NIO out of the Files module).
        .target(
            name: "FilesMultipart",
            dependencies: ["Files", "StorageRefs", multipartKit, .product(name: "NIOCore", package: "swift-nio")],
            path: "Modules/FilesMultipart"
        ),
        // RAG building blocks and OpenAI vector stores (issue 8).
        .target(
            name: "Memory",
            dependencies: ["StorageRefs", "VectorIO", "Scheduler", "_Instrumentation", logging, tracing, coreMetrics],
            path: "Modules/Memory"
        ),
        // poppler's GLib C API (Debian's libpoppler-glib-dev) for PDF text.
        .systemLibrary(
            name: "CPoppler",
            path: "Modules/CPoppler",
            pkgConfig: "poppler-glib",
            providers: [.apt(["libpoppler-glib-dev"])]
        ),
        .target(
            name: "MemoryPDF",
            dependencies: ["Memory", "CPoppler"],
            path: "Modules/MemoryPDF"
        ),

        // MARK: Telemetry and scoring
        // The tracing and metrics conventions every instrumented module applies (package access only); depends on
        // the swift-distributed-tracing and swift-metrics API packages, which are no-ops until an application
        // bootstraps a backend.
        .target(
            name: "_Instrumentation",
            dependencies: [tracing, coreMetrics, metrics],
            path: "Modules/_Instrumentation"
        ),
        .target(
            name: "Telemetry",
            dependencies: ["_Instrumentation", tracing, coreMetrics, metrics],
            path: "Modules/Telemetry"
        ),
        // OTLP export of traces, metrics and logs through swift-otel (keeps its dependencies out of Telemetry).
        .target(
            name: "TelemetryOTLP",
            dependencies: ["Telemetry", .product(name: "OTel", package: "swift-otel"), tracing, coreMetrics, logging, serviceLifecycle],
            path: "Modules/TelemetryOTLP"
        ),
        // Scoring functions and aggregations; no dependencies at all.
        .target(
            name: "Scoring",
            path: "Modules/Scoring"
        ),
        .target(
            name: "_TestBackends",
            dependencies: ["StorageRefs", "SQLStore", "SQLStorePostgres", logging],
            path: "Modules/_TestBackends"
        ),

        // MARK: Tools
        .target(
            name: "StackKitCommands",
            dependencies: ["StorageRefs", argumentParser],
            path: "Tools/StackKitCommands"
        ),
        .executableTarget(
            name: "stackkit",
            dependencies: ["StackKitCommands"],
            path: "Tools/stackkit"
        ),
        .executableTarget(
            name: "stackkit-bench",
            dependencies: [
                "StorageRefs", "KVStore", "KVStorePostgres", "KVStoreRedis", "SQLStore", "SQLStorePostgres", "Responses", "OpenAITypes", "Scheduler", "CSQLite", "VectorIO", "VectorIOSQLite", "CVectorKernels", "Memory", "Inference", "InferenceHTTP", "LocalEmbeddings",
                postgresNIO, nioCore, nioPosix, .product(name: "NIOHTTP1", package: "swift-nio"), asyncHTTPClient, argumentParser, logging, tracing, inMemoryTracing,
            ],
            path: "Tools/stackkit-bench"
        ),

        .executableTarget(
            name: "stackkit-scheduler-worker",
            dependencies: ["Scheduler", "SQLStorePostgres", "StorageRefs", argumentParser, logging],
            path: "Tools/stackkit-scheduler-worker"
        ),

        // MARK: Tests
        // MARK: Umbrella
        // The embedded default stack in one import: Memory with the local MiniLM embedder and a FileStore source.
        .target(
            name: "StackKit",
            dependencies: ["Memory", "Files", "LocalEmbeddings", "VectorIO", "VectorIOSQLite", "SQLStore", "StorageRefs"],
            path: "Modules/StackKit"
        ),
        .executableTarget(
            name: "stackkit-example-local-memory",
            dependencies: ["StackKit"],
            path: "Examples/LocalMemory"
        ),

        .testTarget(
            name: "StackKitTests",
            dependencies: ["StackKit"],
            path: "Tests/StackKitTests"
        ),
        .testTarget(
            name: "LocalEmbeddingsTests",
            dependencies: ["LocalEmbeddings", "CEmbeddingKernels"],
            path: "Tests/LocalEmbeddingsTests",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: ["Scheduler", "StorageRefs", "KVStore", "_TestBackends", serviceLifecycle, logging, tracing, inMemoryTracing, metricsTestKit],
            path: "Tests/SchedulerTests"
        ),
        .testTarget(
            name: "StorageRefsTests",
            dependencies: ["StorageRefs"],
            path: "Tests/StorageRefsTests"
        ),
        .testTarget(
            name: "KVStoreTests",
            dependencies: ["KVStore", "KVStoreTesting", "StorageRefs", "CSQLite", tracing, inMemoryTracing, metricsTestKit],
            path: "Tests/KVStoreTests"
        ),
        .testTarget(
            name: "KVStorePostgresTests",
            dependencies: ["KVStorePostgres", "KVStoreTesting", "StorageRefs", "_PostgresSupport", logging],
            path: "Tests/KVStorePostgresTests"
        ),
        .testTarget(
            name: "KVStoreRedisTests",
            dependencies: ["KVStoreRedis", "KVStoreTesting", "StorageRefs", logging],
            path: "Tests/KVStoreRedisTests"
        ),
        .testTarget(
            name: "SQLStoreTests",
            dependencies: ["SQLStore", "SQLStoreTesting", "StorageRefs", "CSQLite", logging],
            path: "Tests/SQLStoreTests"
        ),
        .testTarget(
            name: "SQLStorePostgresTests",
            dependencies: ["SQLStorePostgres", "SQLStoreTesting", "StorageRefs", logging],
            path: "Tests/SQLStorePostgresTests"
        ),
        .testTarget(
            name: "PaginationTests",
            dependencies: ["Pagination"],
            path: "Tests/PaginationTests"
        ),
        .testTarget(
            name: "OpenAITypesTests",
            dependencies: ["OpenAITypes", "StorageRefs"],
            path: "Tests/OpenAITypesTests"
        ),
        .testTarget(
            name: "InferenceTests",
            dependencies: ["Inference", "OpenAITypes", "_TableWriting", "_TestBackends", "SQLStore", "StorageRefs", logging, tracing, inMemoryTracing],
            path: "Tests/InferenceTests"
        ),
        .testTarget(
            name: "InferenceHTTPTests",
            dependencies: [
                "InferenceHTTP", "Inference", "OpenAITypes", "StorageRefs", asyncHTTPClient, logging, serviceLifecycle, nioCore, nioPosix,
                tracing, inMemoryTracing, metricsTestKit,
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/InferenceHTTPTests",
            // Recorded llama.cpp SSE streams (Scripts/llama/).
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ResponsesTests",
            dependencies: ["Responses", "OpenAITypes", "_TestBackends", "SQLStore", "StorageRefs", logging, tracing, inMemoryTracing],
            path: "Tests/ResponsesTests"
        ),
        .testTarget(
            name: "VectorIOTests",
            dependencies: ["VectorIO", "VectorIOSQLite", "VectorIOPostgres", "CVectorKernels", "_TestBackends", "SQLStore", "SQLStorePostgres", "StorageRefs", logging, tracing, inMemoryTracing],
            path: "Tests/VectorIOTests"
        ),
        .testTarget(
            name: "FilesTests",
            dependencies: ["Files", "FilesMultipart", "_TestBackends", "StorageRefs", logging, tracing, inMemoryTracing],
            path: "Tests/FilesTests",
            // Multipart bodies encoded by Python's `requests` (Fixtures/make_multipart_fixtures.py).
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MemoryTests",
            dependencies: [
                "Memory", "VectorIO", "VectorIOSQLite", "VectorIOPostgres", "SQLStore", "SQLStorePostgres", "StorageRefs", "_TestBackends",
                "Scheduler", logging, nioCore, nioPosix, tracing, inMemoryTracing,
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/MemoryTests",
            // Token ids from Python tiktoken (Fixtures/make_tokenizer_fixture.py).
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MemoryPDFTests",
            dependencies: ["MemoryPDF", "Memory", "VectorIO", "VectorIOSQLite", "SQLStore", "StorageRefs", "_TestBackends"],
            path: "Tests/MemoryPDFTests",
            // A two-page PDF made with fpdf2 (Tests/MemoryPDFTests/Fixtures/make_pdf_fixture.py).
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ScoringTests",
            dependencies: ["Scoring"],
            path: "Tests/ScoringTests"
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: ["Telemetry", "TelemetryOTLP", tracing, inMemoryTracing, coreMetrics, metricsTestKit, logging, serviceLifecycle, nioCore, nioPosix, .product(name: "NIOHTTP1", package: "swift-nio")],
            path: "Tests/TelemetryTests"
        ),
        .testTarget(
            name: "StackKitCommandsTests",
            dependencies: ["StackKitCommands", "StorageRefs"],
            path: "Tests/StackKitCommandsTests"
        ),
    ]
)

// MARK: - Settings shared by every target (as in swift-log's Package.swift)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    // Swift 6 language mode (strict concurrency) is the default for tools 6.x; state it anyway.
    settings.append(.swiftLanguageMode(.v6))
    // Require `any` for existential types.
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // A file sees only the members of modules it imports itself.
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    // `public import` only where a module's types appear in our public API.
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
