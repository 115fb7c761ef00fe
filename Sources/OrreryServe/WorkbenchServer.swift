import FlyingFox
import FlyingSocks
import Foundation
import OrreryCore

/// The HTTP side of `orrery serve` (FlyingFox: one task per connection, non-blocking sockets, a
/// read timeout, so a slow client stalls only itself).
///
/// Security model: bound to loopback unless told otherwise; every request's `Host` must name the
/// address it was bound to (a DNS-rebinding page cannot use a name of its own); write actions need
/// the per-run token that only the served page carries (a cross-site page cannot read it: no CORS)
/// and an `Origin`, when sent, of this server; files are served only from the output folder, after
/// symbolic links, never with `..` or an absolute path; request bodies are capped at 1 MiB and
/// targets at 8 KiB; no endpoint runs a command.
public struct WorkbenchServer: HTTPHandler {
    public static let maximumBody = 1 << 20
    public static let maximumTarget = 8 << 10

    public let workbench: Workbench
    public let token: String
    /// Host names (with the port) a request may name.
    public let hosts: Set<String>
    public let outputDirectory: URL

    public init(workbench: Workbench, token: String, host: String, port: UInt16, outputDirectory: URL) {
        self.workbench = workbench
        self.token = token
        var hosts: Set<String> = ["\(host):\(port)"]
        if host == "127.0.0.1" || host == "localhost" || host == "::1" {
            hosts.formUnion(["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"])
        }
        self.hosts = hosts
        self.outputDirectory = outputDirectory
    }

    /// A random 32-byte token, hex.
    public static func makeToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    public func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        do {
            return try await route(request)
        } catch let refusal as Workbench.Refusal {
            return Self.json(["error": refusal.message], status: refusal.status)
        }
    }

    func route(_ request: HTTPRequest) async throws -> HTTPResponse {
        let raw = request.target.rawValue
        guard raw.utf8.count <= Self.maximumTarget else { throw Workbench.Refusal(414, "the request target is longer than 8 KiB") }
        guard let host = request.headers[.host], hosts.contains(host.lowercased()) else {
            throw Workbench.Refusal(421, "this server answers only for \(hosts.sorted().joined(separator: ", "))")
        }
        if let length = request.headers[.contentLength] {
            guard let n = Int(length), n >= 0 else { throw Workbench.Refusal(400, "a bad Content-Length") }
            guard n <= Self.maximumBody else { throw Workbench.Refusal(413, "the body is larger than 1 MiB") }
        } else if request.headers[.transferEncoding] != nil {
            throw Workbench.Refusal(411, "send a Content-Length (at most 1 MiB)")
        }
        let path = request.path
        let query = Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        switch (request.method, path) {
        case (.GET, "/"):
            return HTTPResponse(statusCode: .ok, headers: Self.pageHeaders, body: Data(WorkbenchPage.html(token: token).utf8))
        case (.GET, "/api/state"):
            return Self.json(await workbench.state())
        case (.GET, "/api/view"):
            return HTTPResponse(statusCode: .ok, headers: Self.jsonHeaders,
                                body: try await workbench.viewJSON(try Self.required("step", query)))
        case (.GET, "/api/points"):
            return HTTPResponse(statusCode: .ok, headers: Self.binaryHeaders,
                                body: try await workbench.pointsData(try Self.required("step", query)))
        case (.GET, "/api/neighbors"):
            let index = try Self.integer("index", query), k = try Self.integer("k", query, default: 10)
            return Self.json(try await workbench.neighbors(try Self.required("step", query), index: index, k: k,
                                                           metric: query["metric"] ?? "cosine"))
        case (.GET, "/api/select"):
            return Self.json(["rows": try await workbench.select(try Self.required("step", query),
                                                                 pattern: try Self.required("pattern", query),
                                                                 column: query["column"].flatMap { $0.isEmpty ? nil : $0 })])
        case (.POST, "/api/isolate"):
            try authorise(request)
            struct Body: Decodable { var step: String; var rows: [Int]; var reducer: String; var parameters: String?; var how: String? }
            let body: Body = try await Self.decode(request)
            return Self.json(try await workbench.isolate(body.step, rows: body.rows, reducer: body.reducer,
                                                         parameters: body.parameters ?? "{}", how: body.how ?? "a selection"))
        case (.POST, "/api/save"):
            try authorise(request)
            struct Body: Decodable { var id: String }
            let body: Body = try await Self.decode(request)
            return Self.json(["step": try await workbench.save(body.id)])
        case (.POST, "/api/bookmark"):
            try authorise(request)
            struct Body: Decodable { var step: String; var rows: [Int]?; var label: String?; var how: String? }
            let body: Body = try await Self.decode(request)
            return Self.json(try await workbench.bookmark(body.step, rows: body.rows ?? [], label: body.label,
                                                          how: body.how ?? "a selection"))
        case (.GET, _) where path.hasPrefix("/files/"):
            return try file(raw)
        case (_, "/"), (_, "/api/state"), (_, "/api/view"), (_, "/api/points"), (_, "/api/neighbors"), (_, "/api/select"),
             (_, "/api/isolate"), (_, "/api/save"), (_, "/api/bookmark"):
            throw Workbench.Refusal(405, "\(request.method.rawValue) is not allowed on \(path)")
        default:
            throw Workbench.Refusal(404, "no such endpoint: \(path)")
        }
    }

    /// Write actions: the page's token, and (when the browser sends one) this server's origin.
    func authorise(_ request: HTTPRequest) throws(Workbench.Refusal) {
        guard let given = request.headers[HTTPHeader("X-Orrery-Token")], Self.equal(given, token) else {
            throw Workbench.Refusal(403, "a write action needs the page's token (X-Orrery-Token)")
        }
        if let origin = request.headers[HTTPHeader("Origin")] {
            let allowed = hosts.map { "http://" + $0 }
            guard allowed.contains(origin.lowercased()) else { throw Workbench.Refusal(403, "requests from \(origin) are refused") }
        }
    }

    /// Constant-time comparison.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for i in 0..<x.count { d |= x[i] ^ y[i] }
        return d == 0
    }

    /// A file of the output folder: `raw` is the request target as sent (before any decoding).
    func file(_ raw: String) throws(Workbench.Refusal) -> HTTPResponse {
        let encoded = String(raw.dropFirst("/files/".count).prefix { $0 != "?" && $0 != "#" })
        guard let relative = encoded.removingPercentEncoding, !relative.isEmpty else {
            throw Workbench.Refusal(400, "a bad file path")
        }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.hasPrefix("/"), !relative.contains("\\"), !relative.contains("\0"),
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw Workbench.Refusal(400, "file paths are relative to the output folder, without '..', '.', '//' or a leading '/'")
        }
        let base = outputDirectory.resolvingSymlinksInPath().standardizedFileURL
        let url = base.appendingPathComponent(relative).resolvingSymlinksInPath().standardizedFileURL
        guard url.path.hasPrefix(base.path + "/") else {
            throw Workbench.Refusal(403, "'\(relative)' leads outside the output folder")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue,
              let data = FileManager.default.contents(atPath: url.path) else {
            throw Workbench.Refusal(404, "no file '\(relative)' in the output folder")
        }
        let types = ["svg": "image/svg+xml", "png": "image/png", "html": "text/html; charset=utf-8",
                     "tsv": "text/tab-separated-values; charset=utf-8", "json": "application/json", "txt": "text/plain; charset=utf-8"]
        var headers = Self.baseHeaders
        headers[.contentType] = types[url.pathExtension.lowercased()] ?? "application/octet-stream"
        headers[HTTPHeader("Content-Security-Policy")] = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        return HTTPResponse(statusCode: .ok, headers: headers, body: data)
    }

    static func required(_ name: String, _ query: [String: String]) throws(Workbench.Refusal) -> String {
        guard let v = query[name], !v.isEmpty else { throw Workbench.Refusal(400, "missing query parameter '\(name)'") }
        return v
    }

    static func integer(_ name: String, _ query: [String: String], default value: Int? = nil) throws(Workbench.Refusal) -> Int {
        guard let text = query[name] else {
            if let value { return value }
            throw Workbench.Refusal(400, "missing query parameter '\(name)'")
        }
        guard let v = Int(text) else { throw Workbench.Refusal(400, "'\(name)' must be an integer, not '\(text)'") }
        return v
    }

    static func decode<T: Decodable>(_ request: HTTPRequest) async throws -> T {
        let data = try await request.bodyData
        guard data.count <= maximumBody else { throw Workbench.Refusal(413, "the body is larger than 1 MiB") }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw Workbench.Refusal(400, "the body is not the JSON this endpoint takes: \(error)")
        }
    }

    static let baseHeaders: HTTPHeaders = [
        .cacheControl: "no-store",
        HTTPHeader("X-Content-Type-Options"): "nosniff",
        HTTPHeader("X-Frame-Options"): "DENY",
        HTTPHeader("Referrer-Policy"): "no-referrer",
    ]

    static var jsonHeaders: HTTPHeaders {
        var h = baseHeaders
        h[.contentType] = "application/json"
        return h
    }

    /// The points of a view: little-endian float32, row-major.
    static var binaryHeaders: HTTPHeaders {
        var h = baseHeaders
        h[.contentType] = "application/octet-stream"
        return h
    }

    static var pageHeaders: HTTPHeaders {
        var h = baseHeaders
        h[.contentType] = "text/html; charset=utf-8"
        h[HTTPHeader("Content-Security-Policy")] =
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
        return h
    }

    static func json<T: Encodable>(_ value: T, status: Int = 200) -> HTTPResponse {
        let data = Workbench.json(value) ?? Data("{\"error\":\"could not encode the answer\"}".utf8)
        return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: phrase(status)), headers: jsonHeaders, body: data)
    }

    static func phrase(_ status: Int) -> String {
        [200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
         411: "Length Required", 413: "Payload Too Large", 414: "URI Too Long", 421: "Misdirected Request",
         500: "Internal Server Error"][status] ?? "Error"
    }
}
