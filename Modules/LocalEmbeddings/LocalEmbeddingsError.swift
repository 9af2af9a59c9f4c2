/// Why a model folder could not be loaded or a text could not be embedded.
///
/// Every case names the file, field or tensor at fault.
public enum LocalEmbeddingsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file the model needs is not in the folder.
    case missingFile(path: String)
    /// A file exists but cannot be read or parsed; `reason` says what is wrong and where.
    case invalidFile(path: String, reason: String)
    /// A setting the model folder declares that this embedder does not implement.
    case unsupported(path: String, field: String, value: String)
    /// A tensor the architecture needs is not in the weights file.
    case missingTensor(path: String, name: String)
    /// A tensor has a shape other than the configuration implies.
    case tensorShape(path: String, name: String, expected: [Int], found: [Int])

    /// What went wrong and where, in one sentence.
    public var description: String {
        switch self {
        case .missingFile(let path):
            return "Model file \(path) is missing"
        case .invalidFile(let path, let reason):
            return "Model file \(path) is invalid: \(reason)"
        case .unsupported(let path, let field, let value):
            return "\(path): \(field) = \(value) is not supported"
        case .missingTensor(let path, let name):
            return "\(path) has no tensor \(name)"
        case .tensorShape(let path, let name, let expected, let found):
            return "\(path): tensor \(name) has shape \(found), expected \(expected)"
        }
    }
}
