/// A resolved configuration value, as llama-stack sees it after environment substitution.
///
/// Strings in which a placeholder was substituted are coerced (`""` → ``null``, `true`/`false` → ``bool(_:)``,
/// then ``int(_:)``, then ``double(_:)``); literal strings, such as a quoted `"8080"`, stay strings.
public enum ConfigValue: Sendable, Hashable {
    /// YAML null, or a substitution that produced the empty string.
    case null
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// A YAML sequence.
    case array([ConfigValue])
    /// A YAML mapping.
    case object([String: ConfigValue])

    /// The value for `key` when this is an object.
    public subscript(key: String) -> ConfigValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
