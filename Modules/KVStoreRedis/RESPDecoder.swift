package import NIOCore
import StorageRefs

/// Decodes RESP2 replies from a byte stream, one ``RESPValue`` per complete reply.
///
/// Replies may arrive split at any byte: an incomplete reply is left in the buffer until the rest arrives, and
/// nothing is allocated for it until it is complete, so a hostile length cannot make the decoder reserve memory.
/// Malformed input (an unknown type byte, a bad or out-of-range length, a missing `\r\n`, a line longer than
/// ``maximumLineLength``, nesting deeper than ``maximumDepth``) throws a ``StorageRefs/StorageError`` with code
/// `backendFailure`; the connection is then unusable and is closed by the channel pipeline.
package struct RESPDecoder: ByteToMessageDecoder {
    /// Each decoded reply.
    package typealias InboundOut = RESPValue

    /// The longest bulk string accepted, 512 MiB (Redis's own `proto-max-bulk-len` default).
    package static let maximumBulkStringLength = 512 * 1024 * 1024

    /// The largest array count accepted, `Int32.max`.
    package static let maximumArrayCount = Int(Int32.max)

    /// The longest simple-string, error or integer line accepted, 64 KiB, without its `\r\n`.
    package static let maximumLineLength = 64 * 1024

    /// The deepest nesting of arrays accepted.
    package static let maximumDepth = 64

    /// The number of readable bytes the reply at the front of the buffer needs at least, learnt from the last
    /// incomplete attempt; the buffer is not scanned again until that many bytes are there.
    private var minimumReadableBytes = 0

    /// How far the reply at the front of the buffer has been checked, kept between reads so that each byte of a
    /// reply arriving in many reads is scanned once, and nothing is allocated until the reply is complete.
    private var scanner = RESPScanner()

    /// Creates a decoder.
    package init() {}

    /// Decodes one reply from the front of `buffer` and passes it down the pipeline.
    ///
    /// - Returns: `.continue` after a reply, `.needMoreData` when the reply at the front is incomplete.
    /// - Throws: ``StorageRefs/StorageError`` when the input is not valid RESP.
    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try self.decode(buffer: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(value))
        return .continue
    }

    /// Decodes the replies left when the channel closes; an incomplete reply is dropped.
    ///
    /// - Returns: As ``decode(context:buffer:)``.
    /// - Throws: ``StorageRefs/StorageError`` when the input is not valid RESP.
    package mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }

    /// Reads one complete reply from the front of `buffer`, or returns `nil` (consuming nothing) when the reply
    /// there is incomplete.
    ///
    /// - Parameter buffer: The bytes received so far; a decoded reply's bytes are consumed.
    /// - Returns: The reply, or `nil` when more bytes are needed.
    /// - Throws: ``StorageRefs/StorageError`` when the input is not valid RESP.
    package mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        guard buffer.readableBytes > 0, buffer.readableBytes >= self.minimumReadableBytes else { return nil }
        // First find where the reply ends, resuming where the last read stopped and allocating nothing; only a
        // complete reply is then parsed into values. (Parsing from the start on every read would redo, and
        // reallocate, every element of a large reply once per read.)
        let scanned = try buffer.withUnsafeReadableBytes { bytes in
            try self.scanner.scan(bytes)
        }
        switch scanned {
        case .incomplete(let needed):
            self.minimumReadableBytes = needed
            return nil
        case .complete(let end):
            self.minimumReadableBytes = 0
            let step = try buffer.withUnsafeReadableBytes { bytes in
                try RESPParser(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<end])).parse(at: 0, depth: 0)
            }
            guard case .complete(let value, let parsedEnd) = step, parsedEnd == end else {
                throw malformed("a reply of \(end) bytes did not parse as scanned")
            }
            buffer.moveReaderIndex(forwardBy: end)
            return value
        }
    }

    /// Decodes every complete reply at the front of `bytes`, as if they had arrived in one read.
    ///
    /// For tests and tools without a channel: call it again with the returned `unconsumed` bytes followed by the
    /// next bytes received.
    ///
    /// - Parameter bytes: The bytes received and not yet consumed.
    /// - Returns: The complete replies, in order, and the bytes of an incomplete reply after them.
    /// - Throws: ``StorageRefs/StorageError`` when the input is not valid RESP.
    package mutating func decode(bytes: [UInt8]) throws -> (values: [RESPValue], unconsumed: [UInt8]) {
        var buffer = ByteBuffer(bytes: bytes)
        var values: [RESPValue] = []
        while let value = try self.decode(buffer: &buffer) {
            values.append(value)
        }
        return (values, buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
}

/// The outcome of parsing one value: the value and the offset just past it, or the number of bytes the value
/// needs at least.
private enum RESPParseStep {
    case complete(RESPValue, end: Int)
    case incomplete(needed: Int)
}

/// Finds the end of the reply at the front of a buffer without building it, resumably: the offset of the next
/// header and the elements still owed to each open array are kept between calls, so a reply arriving in many reads
/// is scanned once. It rejects exactly what ``RESPParser`` rejects.
private struct RESPScanner {
    enum Outcome {
        /// The reply ends at this offset.
        case complete(end: Int)
        /// The buffer needs at least this many readable bytes before scanning can go on.
        case incomplete(needed: Int)
    }

    /// Where the next header starts, relative to the buffer's reader index (nothing is consumed meanwhile).
    private var offset = 0

    /// The elements each open array still expects, innermost last.
    private var remaining: [Int] = []

    mutating func scan(_ bytes: UnsafeRawBufferPointer) throws -> Outcome {
        let parser = RESPParser(bytes: bytes)
        while true {
            guard self.remaining.count <= RESPDecoder.maximumDepth else {
                throw malformed("arrays nested deeper than \(RESPDecoder.maximumDepth) levels")
            }
            let start = self.offset
            guard start < bytes.count else { return .incomplete(needed: start + 1) }
            let type = bytes[start]
            guard let (lineEnd, next) = try parser.line(from: start + 1) else {
                return .incomplete(needed: max(bytes.count + 1, start + 3))
            }
            let line = UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<lineEnd])
            var end = next
            switch type {
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                break
            case UInt8(ascii: ":"):
                _ = try integer(line, of: "integer")
            case UInt8(ascii: "$"):
                let length = try integer(line, of: "bulk string length")
                if length != -1 {
                    guard length >= 0, length <= RESPDecoder.maximumBulkStringLength else {
                        throw malformed("bulk string length \(length) is out of range")
                    }
                    let dataEnd = next + Int(length)
                    guard dataEnd + 2 <= bytes.count else { return .incomplete(needed: dataEnd + 2) }
                    guard bytes[dataEnd] == UInt8(ascii: "\r"), bytes[dataEnd + 1] == UInt8(ascii: "\n") else {
                        throw malformed("bulk string of \(length) bytes is not followed by \\r\\n")
                    }
                    end = dataEnd + 2
                }
            case UInt8(ascii: "*"):
                let count = try integer(line, of: "array count")
                if count != -1 {
                    guard count >= 0, count <= RESPDecoder.maximumArrayCount else {
                        throw malformed("array count \(count) is out of range")
                    }
                    if count > 0 {
                        // Its elements follow; the array is complete once they are.
                        self.remaining.append(Int(count))
                        self.offset = next
                        continue
                    }
                }
            default:
                throw malformed("unknown type byte 0x\(String(type, radix: 16, uppercase: true))")
            }
            // One value is complete: it may complete its array, which may complete the array around it, and so on.
            self.offset = end
            while let last = self.remaining.last {
                if last > 1 {
                    self.remaining[self.remaining.count - 1] = last - 1
                    break
                }
                self.remaining.removeLast()
            }
            if self.remaining.isEmpty {
                self.offset = 0
                return .complete(end: end)
            }
        }
    }
}

/// A recursive-descent RESP2 parser over the readable bytes of a buffer; offsets are relative to their start.
private struct RESPParser {
    let bytes: UnsafeRawBufferPointer

    func parse(at offset: Int, depth: Int) throws -> RESPParseStep {
        guard depth <= RESPDecoder.maximumDepth else {
            throw malformed("arrays nested deeper than \(RESPDecoder.maximumDepth) levels")
        }
        guard offset < self.bytes.count else { return .incomplete(needed: offset + 1) }
        let type = self.bytes[offset]
        guard let (lineEnd, next) = try self.line(from: offset + 1) else {
            return .incomplete(needed: max(self.bytes.count + 1, offset + 3))
        }
        let line = UnsafeRawBufferPointer(rebasing: self.bytes[(offset + 1)..<lineEnd])
        switch type {
        case UInt8(ascii: "+"):
            return .complete(.simpleString(String(decoding: line, as: UTF8.self)), end: next)
        case UInt8(ascii: "-"):
            return .complete(.error(String(decoding: line, as: UTF8.self)), end: next)
        case UInt8(ascii: ":"):
            return .complete(.integer(try integer(line, of: "integer")), end: next)
        case UInt8(ascii: "$"):
            let length = try integer(line, of: "bulk string length")
            if length == -1 { return .complete(.bulkString(nil), end: next) }
            guard length >= 0, length <= RESPDecoder.maximumBulkStringLength else {
                throw malformed("bulk string length \(length) is out of range")
            }
            let end = next + Int(length)
            guard end + 2 <= self.bytes.count else { return .incomplete(needed: end + 2) }
            guard self.bytes[end] == UInt8(ascii: "\r"), self.bytes[end + 1] == UInt8(ascii: "\n") else {
                throw malformed("bulk string of \(length) bytes is not followed by \\r\\n")
            }
            return .complete(.bulkString(Array(UnsafeRawBufferPointer(rebasing: self.bytes[next..<end]))), end: end + 2)
        case UInt8(ascii: "*"):
            let count = try integer(line, of: "array count")
            if count == -1 { return .complete(.array(nil), end: next) }
            guard count >= 0, count <= RESPDecoder.maximumArrayCount else {
                throw malformed("array count \(count) is out of range")
            }
            // Elements are appended as they are parsed: nothing is reserved from the untrusted count.
            var elements: [RESPValue] = []
            var position = next
            for _ in 0..<count {
                switch try self.parse(at: position, depth: depth + 1) {
                case .complete(let element, let end):
                    elements.append(element)
                    position = end
                case .incomplete(let needed):
                    return .incomplete(needed: needed)
                }
            }
            return .complete(.array(elements), end: position)
        default:
            throw malformed("unknown type byte 0x\(String(type, radix: 16, uppercase: true))")
        }
    }

    /// Finds the `\r\n` that ends the line starting at `start`: returns the offset of the `\r` and the offset just
    /// past the `\n`, or `nil` when the line is incomplete.
    func line(from start: Int) throws -> (lineEnd: Int, next: Int)? {
        let limit = min(self.bytes.count, start + RESPDecoder.maximumLineLength + 1)
        var index = start
        while index < limit {
            switch self.bytes[index] {
            case UInt8(ascii: "\r"):
                guard index + 1 < self.bytes.count else { return nil }
                guard self.bytes[index + 1] == UInt8(ascii: "\n") else {
                    throw malformed("a line contains \\r not followed by \\n")
                }
                return (index, index + 2)
            case UInt8(ascii: "\n"):
                throw malformed("a line contains \\n not preceded by \\r")
            default:
                index += 1
            }
        }
        if limit - start > RESPDecoder.maximumLineLength {
            throw malformed("a line is longer than \(RESPDecoder.maximumLineLength) bytes")
        }
        return nil
    }
}

/// Parses a strict decimal integer: an optional `-` and one to nineteen digits, no sign `+`, no spaces.
private func integer(_ text: UnsafeRawBufferPointer, of what: String) throws -> Int64 {
    var digits = text[...]
    let negative = digits.first == UInt8(ascii: "-")
    if negative { digits = digits.dropFirst() }
    guard !digits.isEmpty else { throw malformed("empty \(what)") }
    var value: Int64 = 0
    for byte in digits {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
            throw malformed("\(what) is not a decimal integer")
        }
        let digit = Int64(byte - UInt8(ascii: "0"))
        let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) =
            negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
        guard !overflow1, !overflow2 else { throw malformed("\(what) does not fit in 64 bits") }
        value = sum
    }
    return value
}

private func malformed(_ detail: String) -> StorageError {
    StorageError(code: .backendFailure, message: "malformed RESP reply from Redis: \(detail)")
}
