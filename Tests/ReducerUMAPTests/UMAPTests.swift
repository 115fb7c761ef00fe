import Foundation
import OrreryCore
import OrreryTesting
@testable import OrreryUMAP
@testable import ReducerUMAP
import Testing

/// Digits (scikit-learn's 8×8 handwritten digits, bundled in Workflows/data) and their labels.
func digits() throws -> (points: Matrix, labels: [String]) {
    let folder = Fixtures.workflowsDirectory.appendingPathComponent("data")
    let text = try String(contentsOf: folder.appendingPathComponent("digits.tsv"), encoding: .utf8)
    let rows = text.split(separator: "\n").map { $0.split(separator: "\t").compactMap { Float($0) } }
    let labels = try MetadataTSV.read(contentsOf: folder.appendingPathComponent("digits_labels.tsv"),
                                      path: "digits_labels.tsv")
    return (Matrix(rows), labels.labelColumn?.values ?? [])
}

/// Share of each point's k nearest layout neighbours that carry its label.
func labelAgreement(_ layout: Matrix, _ labels: [String], k: Int = 10) -> Double {
    guard let knn = NearestNeighborSearch.search(points: layout, queries: layout, queryRows: Array(0..<layout.rows),
                                                 k: k, measure: .euclidean) else { return 0 }
    var same = 0
    for i in 0..<layout.rows {
        for s in 0..<k where labels[Int(knn.indices[i * k + s])] == labels[i] { same += 1 }
    }
    return Double(same) / Double(layout.rows * k)
}

@Suite struct UMAPCurveTests {
    /// umap-learn 0.5's `find_ab_params(spread, min_dist)` (scipy `curve_fit`), printed by hand.
    @Test(arguments: [(1.0, 0.1, 1.57694346046584, 0.8950608779639974),
                      (2.0, 0.5, 0.2588787408320664, 1.0574997001616426),
                      (1.0, 0.0, 1.9328083980052901, 0.7904949736958765)])
    func abFitMatchesUmapLearn(spread: Double, minDist: Double, a: Double, b: Double) {
        let curve = UMAPCurve.fit(minDist: minDist, spread: spread)
        #expect(abs(curve.a - a) < 1e-4 * a)
        #expect(abs(curve.b - b) < 1e-4 * b)
    }
}

@Suite struct UMAPGraphTests {
    /// The fuzzy graph against a dense brute-force one: sorted distances, ρ the nearest non-zero
    /// distance, σ by 200-step bisection on Σ exp(−(d − ρ)/σ) = log2(n-neighbors), the 1e-3·mean floor,
    /// then A + Aᵀ − A∘Aᵀ.
    @Test(arguments: [(DistanceMeasure.euclidean, 7 as UInt64), (DistanceMeasure.cosine, 8 as UInt64)])
    func fuzzyGraphMatchesBruteForce(measure: DistanceMeasure, seed: UInt64) throws {
        let n = 70, nNeighbors = 10, k = nNeighbors - 1
        let points = Fixtures.random(rows: n, columns: 5, seed: seed).vectors
        let knn = try #require(UMAPGraph.nearestNeighbors(points, k: k, measure: measure))
        let (graph, _) = UMAPGraph.fuzzyUnion(knn: knn, n: n)

        var sortedRows: [[(Int, Double)]] = []
        var allSum = 0.0
        for i in 0..<n {
            var row: [(Int, Double)] = []
            for j in 0..<n where j != i {
                let x = points.row(i).map(Double.init), y = points.row(j).map(Double.init)
                let d: Double
                if measure.kernel == .cosine {
                    let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
                    let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    d = 1 - dot / (nx * ny)
                } else {
                    d = zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                }
                row.append((j, d))
            }
            row.sort { $0.1 < $1.1 }
            let nearest = Array(row.prefix(k))
            allSum += nearest.reduce(0) { $0 + $1.1 }
            sortedRows.append(nearest)
        }
        let meanAll = allSum / Double(n * nNeighbors)
        var a = [Double](repeating: 0, count: n * n)
        let target = log2(Double(nNeighbors))
        for i in 0..<n {
            let d = sortedRows[i].map(\.1)
            let rho = d.first { $0 > 0 } ?? 0
            func total(_ s: Double) -> Double { d.reduce(0) { $0 + ($1 - rho > 0 ? exp(-($1 - rho) / s) : 1) } }
            var lo = 0.0, hi = 1e6
            for _ in 0..<200 {
                let mid = (lo + hi) / 2
                if total(mid) > target { hi = mid } else { lo = mid }
            }
            var sigma = (lo + hi) / 2
            let rowMean = d.reduce(0, +) / Double(nNeighbors)
            sigma = rho > 0 ? max(sigma, 1e-3 * rowMean) : max(sigma, 1e-3 * meanAll)
            for (j, dj) in sortedRows[i] { a[i * n + j] = dj - rho <= 0 ? 1 : exp(-(dj - rho) / sigma) }
        }
        var dense = [Double](repeating: 0, count: n * n)
        for e in graph.rowStart.indices.dropLast() {
            for s in graph.rowStart[e]..<graph.rowStart[e + 1] { dense[e * n + Int(graph.columns[s])] = Double(graph.values[s]) }
        }
        var worst = 0.0, stored = 0
        for i in 0..<n {
            for j in 0..<n {
                let x = a[i * n + j], y = a[j * n + i]
                let reference = x + y - x * y
                if reference > 0 { stored += 1 }
                worst = max(worst, abs(dense[i * n + j] - reference))
                #expect(dense[i * n + j] == dense[j * n + i])
            }
        }
        #expect(graph.values.count == stored)
        #expect(worst < 1e-4, "largest difference \(worst)")
    }

    @Test func componentsAreCounted() throws {
        // Two clouds far apart, 5 neighbours each: no edge crosses.
        var rows: [[Float]] = []
        var g = SeededGenerator(seed: 1)
        for c in 0..<2 { for _ in 0..<30 { rows.append([Float(100 * c) + Float(g.nextGaussian()), Float(g.nextGaussian())]) } }
        let knn = try #require(UMAPGraph.nearestNeighbors(Matrix(rows), k: 4, measure: .euclidean))
        #expect(UMAPGraph.fuzzyUnion(knn: knn, n: 60).0.componentCount() == 2)
    }
}

@Suite struct UMAPSpectralTests {
    /// ARPACK's vectors against LAPACK's dense ones on a 700-point graph (above the dense limit).
    @Test func lanczosMatchesDenseEigenvectors() throws {
        let points = Fixtures.random(rows: 700, columns: 4, seed: 11).vectors
        let knn = try #require(UMAPGraph.nearestNeighbors(points, k: 14, measure: .euclidean))
        let graph = UMAPGraph.fuzzyUnion(knn: knn, n: 700).0
        #expect(graph.componentCount() == 1)
        let n = graph.count
        var degree = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let s = graph.values[graph.rowStart[i]..<graph.rowStart[i + 1]].reduce(0) { $0 + Double($1) }
            degree[i] = 1 / s.squareRoot()
        }
        let sparse = try UMAPSpectralLayout.lanczos(graph, degree: degree, count: 3)
        var dense = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                let j = Int(graph.columns[e])
                dense[i * n + j] = degree[i] * Double(graph.values[e]) * degree[j]
            }
        }
        let reference = try LAPACK.largestEigenpairs(symmetric: dense, n: n, count: 3)
        #expect(abs(reference.values[0] - 1) < 1e-9)
        for c in 0..<3 {
            var dot = 0.0
            for i in 0..<n { dot += sparse[c * n + i] * reference.vectors[c * n + i] }
            #expect(abs(abs(dot) - 1) < 1e-5, "eigenvector \(c): |cos| = \(abs(dot))")
        }
    }
}

@Suite struct UMAPRunTests {
    @Test func digitsLayoutKeepsClassesTogether() throws {
        let (points, labels) = try digits()
        let result = try UMAP.run(points, UMAP.Configuration(epochs: 200, measure: .euclidean, seed: 3))
        #expect(result.initialization == .spectral)
        #expect(result.components == 1)
        let agreement = labelAgreement(result.layout, labels)
        let quality = try #require(ProjectionQuality.measure(original: points, layout: result.layout, k: 10,
                                                             queries: Array(0..<points.rows), metric: .euclidean))
        // umap-learn 0.5 on the same data (euclidean, 200 epochs, seeds 3 and 4): trustworthiness@10 0.987.
        #expect(quality.trustworthiness > 0.975, "trustworthiness \(quality.trustworthiness)")
        #expect(agreement > 0.9, "label agreement \(agreement)")
    }

    @Test func sameSeedGivesSameBytes() throws {
        let points = Fixtures.random(rows: 300, columns: 8, seed: 2).vectors
        for dims in [2, 3] {
            let c = UMAP.Configuration(dims: dims, epochs: 60, seed: 9)
            let a = try UMAP.run(points, c), b = try UMAP.run(points, c)
            #expect(a.layout.storage.map(\.bitPattern) == b.layout.storage.map(\.bitPattern))
            var other = c
            other.seed = 10
            #expect(try UMAP.run(points, other).layout != a.layout)
        }
    }

    @Test func disconnectedGraphFallsBackToRandomAndSaysSo() throws {
        var rows: [[Float]] = []
        var g = SeededGenerator(seed: 4)
        for c in 0..<2 { for _ in 0..<40 { rows.append([Float(100 * c) + Float(g.nextGaussian()), Float(g.nextGaussian()), 0]) } }
        let result = try UMAP.run(Matrix(rows), UMAP.Configuration(neighbors: 5, epochs: 50, measure: .euclidean))
        #expect(result.components == 2)
        guard case .randomFallback(let reason) = result.initialization else {
            Issue.record("expected a random fallback, got \(result.initialization)")
            return
        }
        #expect(reason.contains("2 connected components"))
        #expect(result.layout.storage.allSatisfy { $0.isFinite })
    }

    @Test func badInputIsRefused() throws {
        let points = Fixtures.random(rows: 30, columns: 3, seed: 1).vectors
        #expect(throws: UMAP.Failure.tooFewNeighbors(1)) { try UMAP.run(points, UMAP.Configuration(neighbors: 1)) }
        #expect(throws: UMAP.Failure.minDistAboveSpread(minDist: 2, spread: 1)) {
            try UMAP.run(points, UMAP.Configuration(minDist: 2, spread: 1))
        }
        let same = Matrix(rows: 20, columns: 3, storage: [Float](repeating: 0.5, count: 60))
        #expect(throws: UMAP.Failure.identicalPoints(20)) { try UMAP.run(same, UMAP.Configuration()) }
        #expect(throws: UMAP.Failure.tooFewPoints(1)) {
            try UMAP.run(Matrix(rows: 1, columns: 3), UMAP.Configuration())
        }
    }

    @Test func neighboursAreCappedAtTheNumberOfPoints() throws {
        let points = Fixtures.random(rows: 8, columns: 3, seed: 5).vectors
        let result = try UMAP.run(points, UMAP.Configuration(neighbors: 15, epochs: 30))
        #expect(result.neighbors == 8)
        #expect(result.layout.storage.allSatisfy { $0.isFinite })
    }
}

@Suite struct UMAPPlacementTests {
    /// Fit on 1,500 digits; place 300 of them again and the 297 held out. Points already in the
    /// layout land near their own coordinates (median displacement below 2% of the layout's width);
    /// held-out digits land among their own class.
    @Test func placedPointsLandNearTheirOwnCoordinatesAndAmongTheirClass() throws {
        let (points, labels) = try digits()
        let fitted = Array(0..<1500), held = Array(1500..<1797)
        let reference = points.selecting(rows: fitted)
        let fit = try UMAP.run(reference, UMAP.Configuration(epochs: 200, measure: .euclidean, seed: 1))
        let c = UMAPPlacement.Configuration(measure: .euclidean, curve: fit.curve, seed: 2)
        let again = Array(stride(from: 0, to: 1500, by: 5))
        let placed = try UMAPPlacement.place(points.selecting(rows: again), reference: reference, layout: fit.layout, c)
        var lo = Float.infinity, hi = -Float.infinity
        for v in fit.layout.storage {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        let displacement = again.enumerated().map { slot, row in
            let dx = placed[slot, 0] - fit.layout[row, 0], dy = placed[slot, 1] - fit.layout[row, 1]
            return Double((dx * dx + dy * dy).squareRoot())
        }.sorted()
        let median = displacement[displacement.count / 2]
        #expect(median < 0.02 * Double(hi - lo), "median displacement \(median) of a \(hi - lo)-wide layout")

        let new = try UMAPPlacement.place(points.selecting(rows: held), reference: reference, layout: fit.layout, c)
        let knn = try #require(NearestNeighborSearch.search(points: fit.layout, queries: new, k: 10,
                                                            measure: .euclidean, excludeSelf: false))
        var same = 0
        for (slot, row) in held.enumerated() {
            for s in 0..<10 where labels[Int(knn.indices[slot * 10 + s])] == labels[row] { same += 1 }
        }
        let agreement = Double(same) / Double(held.count * 10)
        #expect(agreement > 0.85, "held-out label agreement \(agreement)")
        // Same seed → same bytes.
        let twice = try UMAPPlacement.place(points.selecting(rows: held), reference: reference, layout: fit.layout, c)
        #expect(twice.storage.map(\.bitPattern) == new.storage.map(\.bitPattern))
    }
}
