/// The words of a plain-text keyword query, which backends match without interpreting any query syntax.
package enum KeywordQuery {
    /// Maximal runs of letters, digits and marks, in order, duplicates removed; at most 64 words.
    package static func words(_ query: String) -> [String] {
        var words: [String] = []
        var seen = Set<String>()
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                let word = String(current)
                if seen.insert(word.lowercased()).inserted { words.append(word) }
                current = String.UnicodeScalarView()
            }
        }
        for scalar in query.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil || properties.generalCategory == .nonspacingMark {
                current.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return Array(words.prefix(64))
    }
}
