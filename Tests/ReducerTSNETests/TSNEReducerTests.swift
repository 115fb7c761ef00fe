import Foundation
import OrreryCore
import OrreryTesting
@testable import ReducerTSNE
import Testing

@Suite struct TSNEReducerTests {
    @Test func smoke() async throws {
        let e = Fixtures.random(rows: 60, columns: 5)
        let out = try await TSNEReducer.reduce(e, .init(perplexity: 5, iterations: 100), context: .testing())
        #expect(out.count == 60)
        #expect(out.axes == ["tsne-0", "tsne-1"])
    }
}
