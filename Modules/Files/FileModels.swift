/// What a file is for, as OpenAI's Files API names it.
public struct FilePurpose: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// The purpose with this name, or `nil` when it is not one of ``allCases``.
    public init?(rawValue: String) {
        guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    private init(known: String) { rawValue = known }

    public static let assistants = FilePurpose(known: "assistants")
    public static let batch = FilePurpose(known: "batch")
    public static let fineTune = FilePurpose(known: "fine-tune")
    public static let vision = FilePurpose(known: "vision")
    public static let userData = FilePurpose(known: "user_data")
    public static let evals = FilePurpose(known: "evals")

    /// Every purpose.
    public static let allCases: [FilePurpose] = [.assistants, .batch, .fineTune, .vision, .userData, .evals]

    /// The purpose named `text`.
    ///
    /// - Throws: ``FileStoreError`` with code ``FileStoreError/Code-swift.struct/invalidArgument`` naming the field
    ///   `purpose` and listing the known purposes.
    public init(validating text: String) throws(FileStoreError) {
        guard let purpose = FilePurpose(rawValue: text) else {
            throw .invalid("purpose", "unknown purpose '\(text)'; expected one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = purpose
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try FilePurpose(validating: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// When an uploaded file expires: `seconds` after its creation (OpenAI's `expires_after`).
public struct FileExpiration: Hashable, Sendable, Codable {
    /// The only anchor OpenAI defines.
    public static let createdAt = "created_at"
    /// The shortest lifetime: one hour.
    public static let minimumSeconds = 3_600
    /// The longest lifetime: thirty days.
    public static let maximumSeconds = 2_592_000

    /// What the lifetime counts from; always `created_at`.
    public var anchor: String
    /// The lifetime in seconds, 3,600…2,592,000.
    public var seconds: Int

    /// Creates an expiration after checking it.
    ///
    /// - Throws: ``FileStoreError`` with code ``FileStoreError/Code-swift.struct/invalidArgument`` naming
    ///   `expires_after[anchor]` or `expires_after[seconds]`.
    public init(anchor: String = FileExpiration.createdAt, seconds: Int) throws(FileStoreError) {
        self.anchor = anchor
        self.seconds = seconds
        try validate()
    }

    /// Checks the anchor and the range of `seconds`.
    ///
    /// - Throws: ``FileStoreError`` naming the field at fault.
    public func validate() throws(FileStoreError) {
        guard anchor == Self.createdAt else {
            throw .invalid("expires_after[anchor]", "unknown anchor '\(anchor)'; expected 'created_at'")
        }
        guard (Self.minimumSeconds...Self.maximumSeconds).contains(seconds) else {
            throw .invalid(
                "expires_after[seconds]",
                "\(seconds) is outside \(Self.minimumSeconds)...\(Self.maximumSeconds) (one hour to thirty days)"
            )
        }
    }
}

/// A stored file's metadata, shaped as OpenAI's file object (snake_case JSON).
public struct FileObject: Hashable, Sendable, Codable {
    /// `file-` followed by 32 lowercase hexadecimal digits.
    public var id: String
    /// Always `file`.
    public var object: String = "file"
    /// The size in bytes.
    public var bytes: Int
    /// Creation time, Unix seconds.
    public var createdAt: Int64
    /// Expiry time, Unix seconds, or `nil` for never.
    public var expiresAt: Int64?
    /// The name given at upload, exactly as given (it never reaches the file system).
    public var filename: String
    /// What the file is for.
    public var purpose: FilePurpose

    enum CodingKeys: String, CodingKey {
        case id, object, bytes, filename, purpose
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }

    /// Creates a file object.
    public init(id: String, bytes: Int, createdAt: Int64, expiresAt: Int64?, filename: String, purpose: FilePurpose) {
        self.id = id
        self.bytes = bytes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.filename = filename
        self.purpose = purpose
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(object, forKey: .object)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(expiresAt, forKey: .expiresAt)  // null when absent, as OpenAI sends it
        try container.encode(filename, forKey: .filename)
        try container.encode(purpose, forKey: .purpose)
    }
}

/// One page of files, shaped as OpenAI's list response.
public struct FileList: Hashable, Sendable, Codable {
    /// Always `list`.
    public var object: String = "list"
    /// The files of this page, in the requested order.
    public var data: [FileObject]
    /// Whether more files follow this page.
    public var hasMore: Bool
    /// The id of this page's first file; empty when the page is empty.
    public var firstID: String
    /// The id of this page's last file (the `after` of the next page); empty when the page is empty.
    public var lastID: String

    enum CodingKeys: String, CodingKey {
        case object, data
        case hasMore = "has_more"
        case firstID = "first_id"
        case lastID = "last_id"
    }

    /// Creates a page; `firstID` and `lastID` come from `data`.
    public init(data: [FileObject], hasMore: Bool) {
        self.data = data
        self.hasMore = hasMore
        firstID = data.first?.id ?? ""
        lastID = data.last?.id ?? ""
    }
}

/// The answer to a delete, shaped as OpenAI's.
public struct FileDeletion: Hashable, Sendable, Codable {
    /// The deleted file's id.
    public var id: String
    /// Always `file`.
    public var object: String = "file"
    /// Always `true` (a failed delete throws).
    public var deleted: Bool = true

    /// Creates the answer for `id`.
    public init(id: String) { self.id = id }
}
