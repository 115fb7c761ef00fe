import FlyingFox
import FlyingSocks
import Foundation
import OrreryCore
import OrreryServe
import OrreryTesting
import OrreryViews
import Testing

/// The real page in headless Chromium (Tests/browser/serve_session.py, DevTools protocol): click
/// "politics", search, isolate with PCA, save as steps, edit the file on disk — each result
/// checked against the runtime's own steps.
@Suite(.serialized) struct ServePageTests {
    static let python = "/usr/bin/python3"

    static var browserMissing: String? {
        guard Command.succeeds(["chromium", "--version"]) else { return "chromium is not installed (scripts/setup --test-tools)" }
        guard Command.succeeds([python, "-c", "import websocket"]) else { return "python3-websocket is not installed (scripts/setup --test-tools)" }
        return nil
    }

    @Test func aSessionInThePageMatchesTheRuntime() async throws {
        if let reason = Self.browserMissing {
            print("skipped: \(reason)")
            return
        }
        let r = try await ServerSecurityTests.start()
        defer { Task { await r.stop() } }
        // The watcher `orrery serve` runs, here at the same pace.
        let (workbench, file) = (r.workbench, r.file)
        let watcher = Task { while !Task.isCancelled { try? await Task.sleep(nanoseconds: 300_000_000); await workbench.reloadIfChanged() } }
        defer { watcher.cancel() }
        let shot = BrowserCheck.screenshots.appendingPathComponent("serve-session.png").path
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/browser/serve_session.py").path
        let (status, output) = try await OffPool.run { Command.run([Self.python, script, "http://127.0.0.1:\(r.port)/", file.path, "politics", "^pol",
                                               "reducer.pca", "{ components: 2 }", shot]) }
        #expect(status == 0, "\(output)")
        struct Session: Decodable {
            var errors: [String]
            var view: String?
            var neighbors: [String]?
            var search: [Int]?
            var lasso: [Int]?
            var lasso_expected: [Int]?
            var bookmark_file: String?
            var bookmark: [ProjectorState]?
            var isolated: String?
            var coordinates: [Float]?
            var saved: Bool?
            var edit_seconds: Double?
        }
        let line = try #require(output.split(separator: "\n").last.map(String.init))
        let session = try JSONDecoder().decode(Session.self, from: Data(line.utf8))
        #expect(session.errors.isEmpty, "\(session.errors)")
        #expect(session.view == "best-worst")
        // The neighbours listed are metric.cosine's over the same points.
        let rerun = Fixtures.temporaryDirectory()
        let outcome = try await WorkbenchTests.run(file, output: rerun)
        guard case .embedding(let near)? = outcome.values["near-politics"],
              case .embedding(let view)? = outcome.values["best-worst"] else { Issue.record("no values"); return }
        var p = MetricParameters()
        p.k = 10
        p.queries = [Term(parsing: "politics")]
        let reference = try MetricStep.run(.cosine, p, on: near, context: .testing())
        #expect(session.neighbors == (0..<10).map { near.label(Int(reference.indices[$0])) })
        // The lasso selected what an independent point-in-polygon test of the page's own screen
        // positions selects, and something.
        let lasso = try #require(session.lasso)
        #expect(!lasso.isEmpty && lasso.count < view.count)
        #expect(lasso == session.lasso_expected)
        // The bookmark: a step of the file now, its file the one `orrery run` of the file writes,
        // the lasso's points selected (positions in the bookmarked points), labelled as asked.
        #expect(session.bookmark_file == "/files/bookmark-1.txt")
        let marks = try #require(session.bookmark)
        #expect(marks.map(\.label) == ["lasso bookmark"])
        #expect(marks.first?.selectedPoints.sorted() == lasso.sorted())
        #expect(marks.first?.filteredPoints == view.rows)
        #expect(marks.first?.selectedProjection == "custom")
        let ranAgain = try Data(contentsOf: rerun.appendingPathComponent("bookmark-1.txt"))
        #expect(try JSONDecoder().decode([ProjectorState].self, from: ranAgain) == marks)
        #expect(try String(contentsOf: file, encoding: .utf8).contains("uses: exporter.bookmarks"))
        // The search selected exactly the labels matching ^pol (case-insensitive).
        let expected = (0..<view.count).filter { view.label($0).lowercased().hasPrefix("pol") }
        #expect(session.search == expected)
        // The isolated coordinates equal the saved steps run by the CLI's runtime.
        #expect(session.saved == true)
        let isolated = try #require(session.isolated)
        guard case .embedding(let ran)? = outcome.values[isolated] else { Issue.record("\(isolated) not in the saved file"); return }
        #expect(session.coordinates == ran.vectors.storage)
        #expect((0..<ran.count).map { ran.label($0) } == expected.map { view.label($0) })
        // The edit on disk showed (0.6 s measured alone; the bound leaves room for a loaded suite).
        let seconds = try #require(session.edit_seconds, "the page never showed the edit")
        #expect(seconds < 10)
        print("serve page: edit on disk shown after \(String(format: "%.2f", seconds)) s; screenshot \(shot)")
    }
}
