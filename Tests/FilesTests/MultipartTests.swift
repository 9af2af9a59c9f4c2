import Files
import FilesMultipart
import Foundation
import Testing

/// Bodies encoded by Python's `requests` (see Fixtures/make_multipart_fixtures.py).
@Suite("Multipart uploads")
struct MultipartTests {
    static let binary: [UInt8] = Array(0...255) + Array("\r\n--notTheBoundary\r\nContent-Disposition: form-data\r\n\r\n".utf8) + [0, 255, 13, 10]

    static func form(_ name: String) throws -> MultipartForm {
        let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let body = try Data(contentsOf: folder.appendingPathComponent("\(name).body"))
        let contentType = try String(contentsOf: folder.appendingPathComponent("\(name).content-type"), encoding: .utf8)
        return try MultipartForm(body: Array(body), contentType: contentType)
    }

    @Test("bracket form; binary bytes with CRLF and boundary-like lines survive exactly")
    func bracket() throws {
        let request = try FileUploadRequest(form: try Self.form("bracket"))
        #expect(request.file.body == Self.binary)
        #expect(request.file.filename == "data.bin")
        #expect(request.file.contentType == "application/octet-stream")
        #expect(request.purpose == .assistants)
        #expect(request.expiresAfter == (try FileExpiration(seconds: 3_600)))
    }

    @Test("JSON form")
    func json() throws {
        let request = try FileUploadRequest(form: try Self.form("json"))
        #expect(request.purpose == .batch)
        #expect(request.expiresAfter == (try FileExpiration(seconds: 7_200)))
    }

    @Test("bracket form wins over JSON form")
    func bracketWins() throws {
        #expect(try FileUploadRequest(form: try Self.form("both")).expiresAfter?.seconds == 3_600)
    }

    @Test("no expiry, and a UTF-8 filename")
    func none() throws {
        let request = try FileUploadRequest(form: try Self.form("none"))
        #expect(request.expiresAfter == nil)
        #expect(request.file.filename == "ünï café.bin")
        #expect(request.purpose == .userData)
    }

    @Test("invalid fields are typed errors naming the field", arguments: [
        ("bad_seconds", "expires_after[seconds]"),
        ("bad_json", "expires_after"),
        ("bad_purpose", "purpose"),
        ("no_purpose", "purpose"),
    ])
    func invalid(_ fixture: String, _ field: String) throws {
        let form = try Self.form(fixture)
        do {
            _ = try FileUploadRequest(form: form)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.field == field, "\(error)")
        }
    }

    static func body(_ fields: [(String, String)], boundary: String = "XyZ") -> [UInt8] {
        var text = ""
        for (name, value) in fields {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--\(boundary)--\r\n"
        return Array(text.utf8)
    }

    @Test("each invalid expires_after value names its field", arguments: [
        ([("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "12.5")], "expires_after[seconds]"),
        ([("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "9999999")], "expires_after[seconds]"),
        ([("expires_after[seconds]", "3600")], "expires_after[anchor]"),
        ([("expires_after[anchor]", "created_at")], "expires_after[seconds]"),
        ([("expires_after[anchor]", "last_active_at"), ("expires_after[seconds]", "3600")], "expires_after[anchor]"),
        ([("expires_after", "[1, 2]")], "expires_after"),
        ([("expires_after", #"{"seconds": 3600}"#)], "expires_after.anchor"),
        ([("expires_after", #"{"anchor": "created_at", "seconds": "soon"}"#)], "expires_after.seconds"),
        ([("expires_after", #"{"anchor": "created_at", "seconds": true}"#)], "expires_after.seconds"),
        ([("expires_after", #"{"anchor": "created_at", "seconds": 10}"#)], "expires_after.seconds"),
    ])
    func invalidExpiry(_ fields: [(String, String)], _ field: String) throws {
        let form = try MultipartForm(body: Self.body([("purpose", "batch")] + fields), contentType: "multipart/form-data; boundary=XyZ")
        do {
            _ = try FileUploadRequest(form: form)
            Issue.record("expected an error for \(fields)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test("lax JSON integers are accepted as pydantic does")
    func laxIntegers() throws {
        for value in ["7200", "7200.0", "\"7200\""] {
            let form = try MultipartForm(
                body: Self.body([("purpose", "batch"), ("expires_after", #"{"anchor": "created_at", "seconds": \#(value)}"#)]),
                contentType: "multipart/form-data; boundary=\"XyZ\""
            )
            #expect(try FileUploadRequest(form: form).expiresAfter?.seconds == 7_200)
        }
    }

    @Test("bad Content-Type, malformed bodies and parts without names are typed errors")
    func malformed() {
        #expect(throws: FileStoreError.self) { try MultipartForm(body: Self.body([]), contentType: "application/json") }
        #expect(throws: FileStoreError.self) { try MultipartForm(body: Self.body([]), contentType: "multipart/form-data") }
        let nameless = Array("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--\r\n".utf8)
        #expect(throws: FileStoreError.invalid("body", "part 1 has no name in its Content-Disposition header")) {
            try MultipartForm(body: nameless, contentType: "multipart/form-data; boundary=XyZ")
        }
        #expect(throws: FileStoreError.self) { try MultipartForm(body: Array("garbage".utf8), contentType: "multipart/form-data; boundary=XyZ") }
        let truncated = Array(Self.body([("purpose", "batch")]).dropLast(12))
        #expect(throws: FileStoreError.invalid("body", "incomplete multipart/form-data: the closing boundary is missing")) {
            try MultipartForm(body: truncated, contentType: "multipart/form-data; boundary=XyZ")
        }
        let noFile = Array("--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--XyZ--\r\n".utf8)
        #expect(throws: FileStoreError.invalid("file", "missing")) {
            try FileUploadRequest(form: try MultipartForm(body: noFile, contentType: "multipart/form-data; boundary=XyZ"))
        }
    }

    @Test("RFC 5987 filename* wins over filename")
    func extendedFilename() throws {
        let body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fallback.txt\"; filename*=UTF-8''%C3%BCn%C3%AF.txt\r\n\r\nx\r\n--XyZ--\r\n".utf8)
        let form = try MultipartForm(body: body, contentType: "multipart/form-data; boundary=XyZ")
        #expect(form.file("file")?.filename == "ünï.txt")
    }
}
