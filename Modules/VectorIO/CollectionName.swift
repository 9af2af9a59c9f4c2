/// Collection-name sanitising as llama-stack's `sanitize_collection_name`, in both of its forms.
public enum CollectionName {
    /// The name with every character outside `[A-Za-z0-9_]` replaced by `_` (one `_` per character).
    ///
    /// `"my-collection.v1"` → `"my_collection_v1"`. Non-ASCII letters are replaced too.
    public static func sanitized(_ name: String) -> String {
        String(name.unicodeScalars.map { isWordScalar($0) ? Character($0) : "_" })
    }

    /// The Weaviate form: every character outside `[A-Za-z0-9]` removed, then the first letter upper-cased and the
    /// rest lower-cased (Python's `str.capitalize`).
    ///
    /// `"my-collection.v1"` → `"Mycollectionv1"`.
    public static func sanitizedForWeaviate(_ name: String) -> String {
        let kept = name.unicodeScalars.filter { isASCIIAlphanumeric($0) }
        guard let first = kept.first else { return "" }
        return String(Character(first)).uppercased() + String(String.UnicodeScalarView(kept.dropFirst())).lowercased()
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIAlphanumeric(scalar) || scalar == "_"
    }
}
