/// The command names and constant arguments the store sends, as bytes made once rather than per call.
enum RedisCommandName {
    static let get = Array("GET".utf8)
    static let mget = Array("MGET".utf8)
    static let evalsha = Array("EVALSHA".utf8)
    static let script = Array("SCRIPT".utf8)
    static let load = Array("LOAD".utf8)
    static let time = Array("TIME".utf8)
    /// `1`, the key count of every script call the store makes.
    static let one = Array("1".utf8)
    /// An empty argument: "no expiry" in the set script.
    static let empty: [UInt8] = []
    /// `-`, the lowest `ZRANGEBYLEX` bound.
    static let lowest = Array("-".utf8)
    /// `+`, the highest `ZRANGEBYLEX` bound.
    static let highest = Array("+".utf8)
    /// `-1`, "no limit" in the range script.
    static let noLimit = Array("-1".utf8)
    /// ``RedisScript/scanBatchSize`` in decimal.
    static let scanBatchSize = Array(String(RedisScript.scanBatchSize).utf8)
}
