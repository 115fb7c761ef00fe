import Foundation
import OrreryCore
import OrreryTesting
@testable import ReducerPlace
import ReducerUMAP
import Testing

@Suite struct PlaceReducerTests {
    /// A UMAP layout of 400 points; the first 100 placed again land near their own coordinates and
    /// keep the layout's axes.
    @Test func pointsAlreadyInTheLayoutLandNearTheirOwnCoordinates() async throws {
        let e = Fixtures.random(rows: 400, columns: 6, seed: 5)
        let layout = try await UMAPReducer.reduce(e, .with { $0.nEpochs = 150; $0.metric = .euclidean },
                                                  context: .testing(seed: 1))
        let again = e.subset(Array(0..<100))
        let placed = try await PlaceReducer.place(again, into: layout, reference: nil,
                                                  .with { $0.metric = .euclidean }, context: .testing(seed: 2))
        #expect(placed.axes == ["umap-0", "umap-1"])
        #expect(placed.rows == again.rows)
        var lo = Float.infinity, hi = -Float.infinity
        for v in layout.vectors.storage {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        var displacement: [Float] = []
        for i in 0..<100 {
            let dx = placed.vectors[i, 0] - layout.vectors[i, 0], dy = placed.vectors[i, 1] - layout.vectors[i, 1]
            displacement.append((dx * dx + dy * dy).squareRoot())
        }
        displacement.sort()
        #expect(displacement[50] < 0.05 * (hi - lo), "median displacement \(displacement[50]) in a \(hi - lo)-wide layout")
        #expect(placed.notes.number("a") == layout.notes.number("a"))
    }

    @Test func pointsFromAnotherSpaceAreRefused() async throws {
        let e = Fixtures.random(rows: 60, columns: 6, seed: 5)
        let layout = try await UMAPReducer.reduce(e, .with { $0.nEpochs = 20 }, context: .testing())
        let other = Fixtures.random(rows: 10, columns: 3, seed: 1)
        await #expect {
            _ = try await PlaceReducer.place(other, into: layout, reference: nil, .with { _ in }, context: .testing())
        } throws: { error in
            "\(error)".contains("3 dimensions")
        }
    }
}
