/// How a k-nearest-neighbour search is done: the `method:` parameter of metric steps, selectors
/// and reducers that need neighbours.
public enum KNNMethod: String, ParameterEnum {
    /// Every distance computed (`NearestNeighborSearch.search`): exact lists, O(q·n·d).
    case exact
    /// NN-descent over a random-projection forest (`NearestNeighborSearch.graph`): lists with a
    /// measured recall, about O(n·k²·d) for all points. Falls back to exact search (with a note)
    /// below `NearestNeighborSearch.approximateMinimum(k:)` points, where exact is cheap.
    case approximate
    /// Exact below `NearestNeighborSearch.autoApproximateFrom(k:)` points, approximate from there.
    case auto
}
