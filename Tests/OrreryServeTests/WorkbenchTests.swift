import Foundation
import OrreryCore
import OrreryPlugins
import OrreryServe
import OrreryTesting
import OrreryViews
import Testing

/// The workbench behind `orrery serve`, on the politics study: its answers against the runtime's
/// own steps, and the round trip isolate → save → `orrery run`.
@Suite(.serialized) struct WorkbenchTests {
    /// A copy of the politics study in a folder of its own (data paths made absolute), its output
    /// and cache folders, and a workbench over it.
    static func politics() async throws -> (Workbench, URL, URL) {
        let folder = Fixtures.temporaryDirectory()
        let data = Fixtures.workflowsDirectory.appendingPathComponent("data").path
        let text = try String(contentsOf: Fixtures.workflowsDirectory.appendingPathComponent("politics-best-worst.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "path: data/", with: "path: \(data)/")
            .replacingOccurrences(of: "metadata: data/", with: "metadata: \(data)/")
        let file = folder.appendingPathComponent("study.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")
        let workbench = Workbench(path: file.path, outputDirectory: output,
                                  cache: StepCache(directory: folder.appendingPathComponent("cache")),
                                  registry: { _ in .builtIn })
        await workbench.reload()
        return (workbench, file, output)
    }

    static func run(_ file: URL, output: URL = Fixtures.temporaryDirectory()) async throws -> Runner.Outcome {
        let plan = try WorkflowPlan.load(path: file.path, registry: .builtIn).get()
        return try await Runner(registry: .builtIn).run(plan, options: .init(outputDirectory: output))
    }

    @Test func theStateListsEveryStepDone() async throws {
        let (w, _, _) = try await Self.politics()
        let s = await w.state()
        #expect(s.error == nil && s.diagnostics.isEmpty)
        #expect(s.steps.map(\.id) == ["glove", "near-politics", "best-worst", "table", "ends", "figure"])
        #expect(s.steps.allSatisfy { $0.status == "done" || $0.status == "cached" })
        #expect(s.steps.first { $0.id == "best-worst" }?.isView == true)
        #expect(s.steps.first { $0.id == "near-politics" }?.rows == 101)
    }

    @Test func theNeighboursOfAClickedPointAreMetricCosines() async throws {
        let (w, file, _) = try await Self.politics()
        let view = try await w.view("best-worst")
        let labels = try #require(view.metadata[view.columns[0]])
        let politics = try #require(labels.firstIndex(of: "politics"))
        let listed = try await w.neighbors("best-worst", index: politics, k: 10, metric: "cosine")
        // The reference: metric.cosine over the same points (near-politics holds the original vectors).
        let outcome = try await Self.run(file)
        guard case .embedding(let near)? = outcome.values["near-politics"] else { Issue.record("no near-politics"); return }
        var p = MetricParameters()
        p.k = 10
        p.queries = [Term(parsing: "politics")]
        let reference = try MetricStep.run(.cosine, p, on: near, context: .testing())
        #expect(listed.map(\.label) == (0..<10).map { near.label(Int(reference.indices[$0])) })
        for (a, b) in zip(listed.map(\.distance), reference.distances) { #expect(abs(a - b) < 1e-6) }
        let angles = try await w.neighbors("best-worst", index: politics, k: 3, metric: "angle")
        #expect(angles.map(\.label) == Array(listed.prefix(3).map(\.label)))
        #expect(abs(Double(angles[0].distance) - acos(1 - Double(listed[0].distance)) * 180 / .pi) < 0.01)
    }

    @Test func aRegexSearchSelectsTheMatchingPoints() async throws {
        let (w, _, _) = try await Self.politics()
        let view = try await w.view("best-worst")
        let labels = try #require(view.metadata[view.columns[0]])
        let rows = try await w.select("best-worst", pattern: "^pol", column: nil)
        #expect(rows == labels.indices.filter { labels[$0].lowercased().hasPrefix("pol") })
        #expect(!rows.isEmpty)
        let bad = await Self.refusal { _ = try await w.select("best-worst", pattern: "(", column: nil) }
        #expect(bad == Workbench.Refusal(400, "'(' is not a valid regular expression"))
    }

    /// Isolate 30 neighbours under PCA, save, then `orrery run` the saved file: the same
    /// coordinates, and the user's own text kept byte for byte.
    @Test func isolateSaveAndRunReproduceTheCoordinates() async throws {
        let (w, file, _) = try await Self.politics()
        let before = try String(contentsOf: file, encoding: .utf8)
        let view = try await w.view("best-worst")
        let rows = Array(0..<30)
        let isolation = try await w.isolate("best-worst", rows: rows, reducer: "reducer.pca",
                                            parameters: "{ components: 2 }", how: "the first 30 points")
        let shown = try await w.view(isolation.step)
        #expect(shown.count == 30 && shown.dimensions == 2)
        let saved = try await w.save(isolation.id)
        #expect(saved == "isolate-1")
        let after = try String(contentsOf: file, encoding: .utf8)
        #expect(after.hasPrefix(before))
        #expect(after.contains("uses: selector.points"))
        let outcome = try await Self.run(file)
        guard case .embedding(let ran)? = outcome.values["isolate-1"] else { Issue.record("no isolate-1"); return }
        #expect(ran.vectors.storage == shown.coordinates)
        // The isolated points are the selected ones, in order.
        let labels = try #require(view.metadata[view.columns[0]])
        #expect((0..<30).map { ran.label($0) } == rows.map { labels[$0] })
        // A second isolation gets an id that does not clash.
        let second = try await w.isolate("best-worst", rows: [0, 1, 2], reducer: "reducer.pca", parameters: "{ components: 2 }", how: "three")
        #expect(second.step == "isolate-2")
    }

    /// "Bookmark": the exporter step appended (the user's text a byte-exact prefix), its file the
    /// Projector state `orrery run` of the saved file writes, with the chosen rows selected as rows
    /// of the root; refused for a view that is not saved, not a projection, or a file changed on disk.
    @Test func aBookmarkIsAStepWhoseRunWritesTheSameState() async throws {
        let (w, file, output) = try await Self.politics()
        let before = try String(contentsOf: file, encoding: .utf8)
        let view = try await w.view("best-worst")
        let mark = try await w.bookmark("best-worst", rows: [3, 1, 4], label: "three \"quoted\" words", how: "three points")
        #expect(mark.step == "bookmark-1" && mark.file == "bookmark-1.txt")
        let after = try String(contentsOf: file, encoding: .utf8)
        #expect(after.hasPrefix(before))
        #expect(after.dropFirst(before.count).contains("uses: exporter.bookmarks"))
        let served = try JSONDecoder().decode([ProjectorState].self, from: Data(contentsOf: output.appendingPathComponent(mark.file)))
        #expect(served.map(\.label) == ["three \"quoted\" words"])
        let rerun = Fixtures.temporaryDirectory()
        let outcome = try await Self.run(file, output: rerun)
        guard case .embedding(let ran)? = outcome.values["best-worst"] else { Issue.record("no best-worst"); return }
        #expect(try Data(contentsOf: rerun.appendingPathComponent(mark.file)) == Data(contentsOf: output.appendingPathComponent(mark.file)))
        // Selected points are positions in the bookmarked (filtered) points, as the Projector reads them.
        #expect(served.first?.selectedPoints.sorted() == [1, 3, 4])
        #expect(served.first?.filteredPoints == ran.rows)
        #expect(served.first?.projections.count == view.count)
        // No selection: one step, no selector; a second bookmark's id does not clash.
        let plain = try await w.bookmark("best-worst", rows: [], label: nil, how: "")
        #expect(plain.step == "bookmark-2")
        #expect(try JSONDecoder().decode([ProjectorState].self, from: Data(contentsOf: output.appendingPathComponent(plain.file)))
            .first?.selectedPoints == [])
        // Refusals, each leaving the file as it was.
        let saved = try String(contentsOf: file, encoding: .utf8)
        let raw = await Self.refusal { _ = try await w.bookmark("near-politics", rows: [], label: nil, how: "") }
        #expect(raw?.status == 400)
        #expect(raw?.message.contains("a bookmark needs a projection the Projector draws") == true)
        let isolation = try await w.isolate("best-worst", rows: [0, 1, 2, 5], reducer: "reducer.pca", parameters: "{ components: 2 }", how: "four")
        let pending = await Self.refusal { _ = try await w.bookmark(isolation.step, rows: [], label: nil, how: "") }
        #expect(pending == Workbench.Refusal(409, "'\(isolation.step)' is not saved yet; save it as steps first, then bookmark it"))
        let outside = await Self.refusal { _ = try await w.bookmark("best-worst", rows: [101], label: nil, how: "") }
        #expect(outside == Workbench.Refusal(400, "the selection must be points 0..<101 of 'best-worst'"))
        let twoLines = await Self.refusal { _ = try await w.bookmark("best-worst", rows: [], label: "a\nb", how: "") }
        #expect(twoLines?.status == 400)
        #expect(try String(contentsOf: file, encoding: .utf8) == saved)
        try (saved + "# edited elsewhere\n").write(to: file, atomically: true, encoding: .utf8)
        let changed = await Self.refusal { _ = try await w.bookmark("best-worst", rows: [], label: nil, how: "") }
        #expect(changed?.status == 409)
        #expect(try String(contentsOf: file, encoding: .utf8) == saved + "# edited elsewhere\n")
    }

    /// The points travel as little-endian float32, the view's coordinates bit for bit; the JSON
    /// leaves them out.
    @Test func thePointsAreTheViewsCoordinatesAsFloat32() async throws {
        let (w, _, _) = try await Self.politics()
        let view = try await w.view("best-worst")
        let data = try await w.pointsData("best-worst")
        #expect(data.count == view.count * view.dimensions * 4)
        let decoded = (0..<(data.count / 4)).map { i in
            Float(bitPattern: data[(i * 4)..<(i * 4 + 4)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
        }
        #expect(decoded == view.coordinates)
        let json = try JSONSerialization.jsonObject(with: try await w.viewJSON("best-worst")) as? [String: Any]
        #expect(json?["coordinates"] == nil && json?["count"] as? Int == view.count)
    }

    /// The refusal `body` ends in, if any.
    static func refusal(_ body: () async throws -> Void) async -> Workbench.Refusal? {
        do {
            try await body()
            return nil
        } catch let r as Workbench.Refusal {
            return r
        } catch {
            return Workbench.Refusal(0, "\(error)")
        }
    }

    @Test func aBadIsolationIsRefusedWithItsReason() async throws {
        let (w, _, _) = try await Self.politics()
        let unknown = await Self.refusal { _ = try await w.isolate("best-worst", rows: [0], reducer: "reducer.nope", parameters: "{}", how: "x") }
        #expect(unknown == Workbench.Refusal(400, "unknown reducer 'reducer.nope'; use one of reducer.pca, reducer.tsne, reducer.umap, reducer.custom-axis"))
        let outside = await Self.refusal { _ = try await w.isolate("best-worst", rows: [500], reducer: "reducer.pca", parameters: "{}", how: "x") }
        #expect(outside == Workbench.Refusal(400, "the selection must be 1 to 101 points of 'best-worst'"))
        let misspelt = await Self.refusal {
            _ = try await w.isolate("best-worst", rows: [0, 1, 2, 3], reducer: "reducer.pca", parameters: "{ componets: 2 }", how: "x")
        }
        #expect(misspelt?.status == 400)
        #expect(misspelt?.message.contains("unknown parameter 'componets'") == true)
        #expect(misspelt?.message.contains("did you mean 'components'?") == true)
    }

    @Test func anEditOnDiskIsPickedUpAndOnlyTheChangeReRuns() async throws {
        let (w, file, _) = try await Self.politics()
        let version = await w.state().version
        #expect(await w.reloadIfChanged() == false)
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "with: { axis: linear-x, count: 10 }", with: "with: { axis: linear-x, count: 5 }")
        try await Task.sleep(nanoseconds: 20_000_000)
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(await w.reloadIfChanged() == true)
        let s = await w.state()
        #expect(s.version > version)
        #expect(s.steps.first { $0.id == "ends" }?.cached == false)
        #expect(s.steps.first { $0.id == "near-politics" }?.cached == true)
        // A broken edit: diagnostics with line and column, the old values kept out of the list.
        try (text + "  broken:\n    uses: reducer.tnse\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(await w.reloadIfChanged() == true)
        let bad = await w.state()
        #expect(bad.diagnostics.contains { $0.line != nil && $0.message.contains("reducer.tsne") })
    }
}
