import OrreryCore
import OrreryTesting
import SelectorSample
import Testing

@Suite struct SampleSelectorTests {
    static func run(_ e: Embedding, _ p: SampleSelector.Parameters, seed: UInt64 = 1) async throws -> Embedding {
        try await SampleSelector.select(StepInputs(["input": [.embedding(e)]]), p, context: .testing(seed: seed))
    }

    @Test func sampleIsReproduciblePerSeedDistinctAndInInputOrder() async throws {
        let e = Fixtures.grid(rows: 1_000, columns: 2)
        let a = try await Self.run(e, .with { $0.count = 100 }, seed: 4)
        let b = try await Self.run(e, .with { $0.count = 100 }, seed: 4)
        let c = try await Self.run(e, .with { $0.count = 100 }, seed: 5)
        #expect(a.rows == b.rows)
        #expect(a.rows != c.rows)
        #expect(a.count == 100 && Set(a.rows).count == 100 && a.rows == a.rows.sorted())
        #expect(a.vectors.row(0) == e.vectors.row(a.rows[0]))
    }

    @Test func sampleIsRoughlyUniform() async throws {
        // Half of 10,000 rows: each tenth of the input should hold close to 500 of them.
        let e = Fixtures.grid(rows: 10_000, columns: 1)
        let out = try await Self.run(e, .with { $0.fraction = 0.5 }, seed: 9)
        #expect(out.count == 5_000)
        for decile in 0..<10 {
            let n = out.rows.filter { $0 / 1_000 == decile }.count
            #expect(abs(n - 500) < 80, "decile \(decile): \(n)")
        }
    }

    @Test func stratifiedSampleKeepsEachGroupsShare() async throws {
        // Groups of 500, 300, 150 and 50 rows, interleaved.
        let sizes = ["a": 500, "b": 300, "c": 150, "d": 50]
        var labels: [String] = []
        for (k, n) in sizes.sorted(by: { $0.key < $1.key }) { labels += Array(repeating: k, count: n) }
        var g = SeededGenerator(seed: 2)
        labels.shuffle(using: &g)
        var table = MetadataTable(labels: (0..<1_000).map { "p\($0)" })
        table.set(MetadataTable.Column(name: "group", values: labels))
        let e = Embedding(vectors: Matrix(rows: 1_000, columns: 1), metadata: table)
        let out = try await Self.run(e, .with { $0.fraction = 0.1; $0.stratifyBy = "group" })
        let counts = Dictionary(grouping: out.rows, by: { labels[$0] }).mapValues(\.count)
        #expect(counts == ["a": 50, "b": 30, "c": 15, "d": 5])
        // Largest remainder: 7 of (500, 300, 150, 50)/1000 → 3.5, 2.1, 1.05, 0.35 → 4, 2, 1, 0.
        let seven = try await Self.run(e, .with { $0.count = 7; $0.stratifyBy = "group" })
        let sevenCounts = Dictionary(grouping: seven.rows, by: { labels[$0] }).mapValues(\.count)
        #expect(sevenCounts == ["a": 4, "b": 2, "c": 1])
    }

    @Test func countLargerThanTheDataIsAnErrorNamingCount() async throws {
        await #expect(throws: OrreryError.invalidParameter("count", reason: "11 points asked of an input of 10")) {
            try await Self.run(Fixtures.grid(rows: 10, columns: 1), .with { $0.count = 11 })
        }
        await #expect(throws: OrreryError.unknownColumn("digit", known: ["label"])) {
            try await Self.run(Fixtures.grid(rows: 10, columns: 1), .with { $0.count = 2; $0.stratifyBy = "digit" })
        }
    }

    @Test(arguments: ["{}", "{ count: 3, fraction: 0.5 }", "{ fraction: 1.5 }", "{ count: 0 }"])
    func badParametersAreRejected(_ yaml: String) throws {
        let node = try YAMLSource(path: "t.yaml", text: yaml).compose()
        guard case .failure = SampleSelector.registryEntry.prepare(node) else {
            Issue.record("\(yaml) was accepted")
            return
        }
    }
}
