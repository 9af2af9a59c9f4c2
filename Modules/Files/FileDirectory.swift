import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The directory holding a file store's bytes: one file per id, written atomically (temporary file, `fsync`,
/// `rename`, `fsync` of the directory). Every call runs on a dispatch queue, never on Swift's cooperative pool,
/// because file system calls block.
///
/// Names on disk are ids the store generated (`file-` + 32 hex digits) or temporary names (`.tmp-` + a UUID); no
/// caller-supplied text ever becomes part of a path.
struct FileDirectory: Sendable {
    /// The directory path.
    let path: String
    private let queue = DispatchQueue(label: "stackkit.files.io", attributes: .concurrent)

    static let temporaryPrefix = ".tmp-"

    init(path: String) {
        self.path = path
    }

    /// Whether `name` is a name the store writes for a file id.
    static func isFileID(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 37, name.hasPrefix("file-") else { return false }
        return bytes[5...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    private func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Swift.Result { try body() }) }
        }
    }

    /// Creates the directory (and its parents) when missing.
    func create() async throws {
        let path = self.path
        try await run {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw FileStoreError(code: .storageFailure, message: "cannot create the file directory \(path): \(error.localizedDescription)")
            }
        }
    }

    /// Writes `bytes` as the file of `id`: all of it or nothing, durable when this returns.
    func write(id: String, bytes: Data) async throws {
        precondition(Self.isFileID(id), "only generated ids name files")
        let directory = path
        try await run {
            let temporary = directory + "/" + Self.temporaryPrefix + UUID().uuidString
            let final = directory + "/" + id
            func failure(_ what: String) -> FileStoreError {
                FileStoreError(code: .storageFailure, message: "\(what) for file \(id) in \(directory): \(String(cString: strerror(errno)))")
            }
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw failure("cannot create a temporary file") }
            var succeeded = false
            defer {
                if !succeeded { unlink(temporary) }
            }
            let written: Bool = bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let result = posixWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if result < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    offset += result
                }
                return true
            }
            guard written else {
                let error = failure("cannot write")
                close(descriptor)
                throw error
            }
            guard fsync(descriptor) == 0 else {
                let error = failure("cannot sync")
                close(descriptor)
                throw error
            }
            guard close(descriptor) == 0 else { throw failure("cannot close") }
            guard rename(temporary, final) == 0 else { throw failure("cannot rename the temporary file") }
            succeeded = true
            let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directoryDescriptor >= 0 {
                _ = fsync(directoryDescriptor)
                close(directoryDescriptor)
            }
        }
    }

    /// The bytes of `id`.
    func read(id: String) async throws -> Data {
        precondition(Self.isFileID(id), "only generated ids name files")
        let file = path + "/" + id
        return try await run {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw FileStoreError(code: .corruptRecord, message: "the bytes of file \(id) are missing from \(self.path)")
            }
            return data
        }
    }

    /// Removes the file of `id` (or a temporary file); a missing file is not an error.
    func remove(_ name: String) async throws {
        precondition(Self.isFileID(name) || name.hasPrefix(Self.temporaryPrefix), "only the store's own names")
        let file = path + "/" + name
        try await run {
            if unlink(file) != 0 && errno != ENOENT {
                throw FileStoreError(code: .storageFailure, message: "cannot remove \(file): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The store's own entries (ids and temporary files) with their modification times; other names are ignored.
    func entries() async throws -> [(name: String, modified: Date)] {
        let path = self.path
        return try await run {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw FileStoreError(code: .storageFailure, message: "cannot list \(path): \(error.localizedDescription)")
            }
            return names.compactMap { name in
                guard Self.isFileID(name) || name.hasPrefix(Self.temporaryPrefix) else { return nil }
                let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
                return (name, (attributes?[.modificationDate] as? Date) ?? .distantPast)
            }
        }
    }
}

/// `write(2)`, named so the store's own `write(id:bytes:)` does not shadow it.
private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
