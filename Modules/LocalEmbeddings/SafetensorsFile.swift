import Foundation

/// A read-only view of a `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw data.
///
/// The file is memory-mapped; tensors are converted to `Float` on request (F32, F16 and BF16 are read).
public struct SafetensorsFile: Sendable {
    /// One tensor's entry in the header.
    public struct TensorInfo: Sendable, Equatable {
        /// The element type as the header spells it (`F32`, `F16`, `BF16`, `I64`, …).
        public var dtype: String
        /// The dimensions, outermost first.
        public var shape: [Int]
        /// The half-open byte range within the data section.
        public var byteRange: Range<Int>
    }

    /// The path the file was read from (used in errors).
    public let path: String
    /// Every tensor in the header, by name.
    public let tensors: [String: TensorInfo]
    private let data: Data
    private let dataStart: Int

    /// Maps and validates the file at `path`.
    ///
    /// - Throws: ``LocalEmbeddingsError/missingFile(path:)``, or ``LocalEmbeddingsError/invalidFile(path:reason:)``
    ///   when the header length, the JSON, a dtype/shape/offset entry or a byte range is malformed (the reason
    ///   names the tensor).
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw LocalEmbeddingsError.missingFile(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        guard data.count >= 8 else {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for index in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(data[data.startIndex + index]) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "header length \(headerLength) exceeds the file's \(data.count) bytes")
        }
        let headerEnd = 8 + Int(headerLength)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data.subdata(in: data.startIndex + 8..<data.startIndex + headerEnd))
        } catch {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "header is not JSON")
        }
        guard let header = object as? [String: Any] else {
            throw LocalEmbeddingsError.invalidFile(path: path, reason: "header is not a JSON object")
        }
        let dataLength = data.count - headerEnd
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                  let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2, shape.count == (entry["shape"] as? [Any])?.count
            else {
                throw LocalEmbeddingsError.invalidFile(path: path, reason: "tensor \(name): entry needs dtype, shape and two data_offsets")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataLength, shape.allSatisfy({ $0 >= 0 }) else {
                throw LocalEmbeddingsError.invalidFile(path: path, reason: "tensor \(name): data_offsets \(offsets) outside the \(dataLength)-byte data section")
            }
            if let width = Self.elementWidth(dtype) {
                let expected = shape.reduce(1, *) * width
                guard expected == offsets[1] - offsets[0] else {
                    throw LocalEmbeddingsError.invalidFile(path: path, reason: "tensor \(name): \(offsets[1] - offsets[0]) bytes for shape \(shape) of \(dtype)")
                }
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        self.tensors = tensors
        self.data = data
        self.dataStart = headerEnd
    }

    private static func elementWidth(_ dtype: String) -> Int? {
        switch dtype {
        case "F64", "I64", "U64": return 8
        case "F32", "I32", "U32": return 4
        case "F16", "BF16", "I16", "U16": return 2
        case "I8", "U8", "BOOL": return 1
        default: return nil
        }
    }

    /// The tensor `name` as `Float`s in row-major order, checked against `shape`.
    ///
    /// - Throws: ``LocalEmbeddingsError/missingTensor(path:name:)``, ``LocalEmbeddingsError/tensorShape(path:name:expected:found:)``,
    ///   or ``LocalEmbeddingsError/unsupported(path:field:value:)`` for a dtype other than F32, F16 or BF16.
    public func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        guard let info = tensors[name] else { throw LocalEmbeddingsError.missingTensor(path: path, name: name) }
        guard info.shape == expected else {
            throw LocalEmbeddingsError.tensorShape(path: path, name: name, expected: expected, found: info.shape)
        }
        let count = expected.reduce(1, *)
        // Offsets into the raw buffer, which starts at the file's first byte whatever `data.startIndex` is.
        let start = dataStart + info.byteRange.lowerBound
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Float] in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + info.byteRange.count)])
            switch info.dtype {
            case "F32":
                return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                    // The data section has no alignment guarantee: copy bytes, then fix the byte order.
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
                    #if _endian(big)
                    for index in 0..<count { buffer[index] = Float(bitPattern: UInt32(littleEndian: buffer[index].bitPattern)) }
                    #endif
                    initialized = count
                }
            case "F16", "BF16":
                let isBrain = info.dtype == "BF16"
                return (0..<count).map { index in
                    let bits = UInt16(bytes[2 * index]) | UInt16(bytes[2 * index + 1]) << 8
                    return isBrain ? Float(bitPattern: UInt32(bits) << 16) : floatFromHalfBits(bits)
                }
            default:
                throw LocalEmbeddingsError.unsupported(path: path, field: "tensor \(name) dtype", value: info.dtype)
            }
        }
    }
}

/// IEEE half-precision bits to `Float` without relying on `Float16` (absent on some x86-64 toolchains).
private func floatFromHalfBits(_ bits: UInt16) -> Float {
    let sign: UInt32 = UInt32(bits & 0x8000) << 16
    let exponent = Int((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
        // Zero or subnormal: mantissa × 2^-24.
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
}
