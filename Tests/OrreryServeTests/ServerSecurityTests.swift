import FlyingFox
import FlyingSocks
import Foundation
import OrreryCore
import OrreryServe
import OrreryTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The server's security model, over real loopback sockets with requests written byte for byte:
/// traversal in every spelling, the token on write actions, oversized bodies, foreign hosts.
@Suite(.serialized) struct ServerSecurityTests {
    /// A running server over the politics study; its port, token, output folder and workflow file.
    final class Running: @unchecked Sendable {
        let server: HTTPServer
        let task: Task<Void, any Error>
        let port: UInt16
        let token: String
        let output: URL
        let file: URL
        let workbench: Workbench
        init(server: HTTPServer, task: Task<Void, any Error>, port: UInt16, token: String, output: URL, file: URL,
             workbench: Workbench) {
            self.server = server; self.task = task; self.port = port; self.token = token; self.output = output; self.file = file
            self.workbench = workbench
        }
        func stop() async { await server.stop(timeout: 1); task.cancel() }
    }

    static func start() async throws -> Running {
        let (workbench, file, output) = try await WorkbenchTests.politics()
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: 5, logger: .disabled)
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else { throw OrreryError.missingInput("no port") }
        let token = WorkbenchServer.makeToken()
        await server.appendRoute("*", to: WorkbenchServer(workbench: workbench, token: token, host: "127.0.0.1", port: port,
                                                          outputDirectory: output))
        return Running(server: server, task: task, port: port, token: token, output: output, file: file, workbench: workbench)
    }

    /// Sends `request` (CRLFs added) to 127.0.0.1:`port`; returns the status code and the body.
    /// The blocking socket calls run on a thread of their own: on the cooperative pool they would
    /// starve the server under test of the threads it answers on.
    static func send(_ port: UInt16, _ request: String, body: Data = Data()) async throws -> (status: Int, body: String) {
        try await OffPool.run { try blockingSend(port, request, body: body) }
    }

    static func blockingSend(_ port: UInt16, _ request: String, body: Data = Data()) throws -> (status: Int, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // A server that answers before reading the whole body may stop reading: stop sending then.
        var sendTimeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw OrreryError.missingInput("connect failed") }
        let head = request.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n") + "\r\n\r\n"
        let bytes = Array(head.utf8) + Array(body)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            response += buffer[0..<n]
            if let text = String(bytes: response, encoding: .utf8), let end = text.range(of: "\r\n\r\n"),
               let lengthLine = text[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
               let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)),
               response.count >= text[..<end.upperBound].utf8.count + length { break }
        }
        let text = String(decoding: response, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        let payload = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, payload)
    }

    @Test func thePageCarriesTheTokenAndTheStateIsServed() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        let page = try await Self.send(r.port, "GET / HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
        #expect(page.status == 200)
        #expect(page.body.contains("<meta name=\"orrery-token\" content=\"\(r.token)\">"))
        let state = try await Self.send(r.port, "GET /api/state HTTP/1.1\nHost: localhost:\(r.port)\nConnection: close")
        #expect(state.status == 200 && state.body.contains("\"best-worst\""))
        let neighbors = try await Self.send(r.port, "GET /api/neighbors?step=best-worst&index=0&k=3&metric=cosine HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
        #expect(neighbors.status == 200 && neighbors.body.hasPrefix("["))
    }

    @Test func pathTraversalInEverySpellingIsRefused() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        // A file the output folder really has, and a link inside it that leads out.
        try FileManager.default.createDirectory(at: r.output, withIntermediateDirectories: true)
        let outside = Fixtures.temporaryDirectory().appendingPathComponent("secret.txt")
        try "secret".write(to: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: r.output.appendingPathComponent("link.txt"), withDestinationURL: outside)
        let ok = try await Self.send(r.port, "GET /files/politics-best-worst.tsv HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
        #expect(ok.status == 200 && ok.body.contains("politics"))
        for target in ["/files/../study.yaml", "/files/%2e%2e/study.yaml", "/files/%2E%2E%2Fstudy.yaml", "/files//etc/passwd",
                       "/files/%2fetc%2fpasswd", "/files/sub/../../study.yaml", "/files/..%5cstudy.yaml", "/files/link.txt",
                       "/files/./politics-best-worst.tsv", "/files/%00", "/../study.yaml"] {
            let response = try await Self.send(r.port, "GET \(target) HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
            #expect([400, 403, 404].contains(response.status), "\(target) gave \(response.status)")
            #expect(!response.body.contains("secret") && !response.body.contains("orrery: 1"), "\(target) leaked a file")
        }
    }

    @Test func writeActionsNeedTheTokenAndAnOriginOfThisServer() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        let body = Data(#"{"step":"best-worst","rows":[0,1,2],"reducer":"reducer.pca","parameters":"{ components: 2 }"}"#.utf8)
        let head = "POST /api/isolate HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nContent-Type: application/json\nContent-Length: \(body.count)\nConnection: close"
        let missing = try await Self.send(r.port, head, body: body)
        #expect(missing.status == 403 && missing.body.contains("token"))
        let wrong = try await Self.send(r.port, head + "\nX-Orrery-Token: \(String(r.token.reversed()))", body: body)
        #expect(wrong.status == 403)
        let foreign = try await Self.send(r.port, head + "\nX-Orrery-Token: \(r.token)\nOrigin: http://evil.example", body: body)
        #expect(foreign.status == 403 && foreign.body.contains("evil.example"))
        let good = try await Self.send(r.port, head + "\nX-Orrery-Token: \(r.token)\nOrigin: http://127.0.0.1:\(r.port)", body: body)
        #expect(good.status == 200 && good.body.contains("isolate-1"))
        // GET cannot write.
        let get = try await Self.send(r.port, "GET /api/save HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
        #expect(get.status == 405)
        let text = try String(contentsOf: r.file, encoding: .utf8)
        #expect(!text.contains("isolate-1"), "the file changed without a save")
    }

    @Test func oversizedBodiesAndTargetsAndForeignHostsAreRefused() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        let big = try await Self.send(r.port, "POST /api/save HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nX-Orrery-Token: \(r.token)\nContent-Length: \(2 << 20)\nConnection: close",
                                      body: Data(repeating: 0x20, count: 2 << 20))
        #expect(big.status == 413)
        let long = try await Self.send(r.port, "GET /api/select?step=best-worst&pattern=\(String(repeating: "a", count: 9000)) HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
        #expect(long.status == 414)
        // DNS rebinding: a page on another name pointing at 127.0.0.1 sends its own Host.
        let rebound = try await Self.send(r.port, "GET /api/state HTTP/1.1\nHost: evil.example:\(r.port)\nConnection: close")
        #expect(rebound.status == 421)
        let noHost = try await Self.send(r.port, "GET /api/state HTTP/1.0")
        #expect(noHost.status == 421)
        let unknown = try await Self.send(r.port, "GET /api/run?cmd=ls HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
        #expect(unknown.status == 404)
    }

    /// A client that sends half a request and waits does not stall the others.
    @Test func aSlowClientDoesNotStallOthers() async throws {
        let r = try await Self.start()
        defer { Task { await r.stop() } }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = r.port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        let partial = Array("GET /api/state HTTP/1.1\r\nHost: 127.0.0.1".utf8)
        _ = partial.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // A server stalled by the half request would answer nothing before `send`'s 20 s receive
        // timeout: the status is the check, not a clock.
        let other = try await Self.send(r.port, "GET /api/state HTTP/1.1\nHost: 127.0.0.1:\(r.port)\nConnection: close")
        #expect(other.status == 200)
    }
}

/// Runs blocking work on a thread of its own and awaits its result.
enum OffPool {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
