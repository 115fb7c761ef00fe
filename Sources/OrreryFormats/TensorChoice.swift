import OrreryCore

/// A tensor as a file lists it: its name and shape.
public struct TensorListing: Sendable, Equatable {
    public var name: String
    public var shape: [Int]

    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    /// `30522 × 384`, `384`, `(scalar)`.
    public var shapeText: String { shape.isEmpty ? "(scalar)" : shape.map(String.init).joined(separator: " × ") }
}

/// Which tensor of a model file is the embedding: the one the `tensor` parameter names, or the
/// only 2-D one. Shared by the checkpoint and safetensors loaders, so both explain a wrong or
/// missing name the same way.
public enum TensorChoice {
    /// How many tensors an error message lists before "and N more".
    static let listed = 12

    /// The tensor named `wanted` (which must be 2-D), or without a name the only 2-D tensor of
    /// `tensors` for which `isCandidate` holds (it excludes optimizer slots and the like); `file`
    /// names the file in errors.
    ///
    /// - Complexity: O(t · L²) for t tensors of names up to L long (the edit distances of the
    ///   "closest first" list), only when the name is wrong.
    public static func choose(_ wanted: String?, among tensors: [TensorListing], file: String,
                              isCandidate: (String) -> Bool = { _ in true }) throws(OrreryError) -> TensorListing {
        let matrices = tensors.filter { $0.shape.count == 2 && isCandidate($0.name) }
        guard let wanted else {
            if matrices.count == 1 { return matrices[0] }
            if matrices.isEmpty {
                throw .invalidParameter("tensor", reason: "\(file) holds no 2-D tensor to load as an embedding; its tensors: "
                    + list(tensors.sorted { $0.name < $1.name }))
            }
            throw .invalidParameter("tensor", reason: "\(file) holds \(matrices.count) 2-D tensors; name the embedding with 'tensor:' — "
                + list(matrices.sorted { $0.name < $1.name }))
        }
        guard let found = tensors.first(where: { $0.name == wanted }) else {
            let byDistance = matrices
                .map { (t: $0, d: Suggestion.distance(wanted.lowercased(), $0.name.lowercased())) }
                .sorted { $0.d != $1.d ? $0.d < $1.d : $0.t.name < $1.t.name }
                .map(\.t)
            throw .invalidParameter("tensor", reason: "no tensor '\(wanted)' in \(file); "
                + (byDistance.isEmpty ? "it holds no 2-D tensor" : "its 2-D tensors, closest first: " + list(byDistance)))
        }
        guard found.shape.count == 2 else {
            throw .shapeMismatch("tensor '\(wanted)' in \(file) has shape \(found.shapeText) (\(found.shape.count)-D), but an embedding is a 2-D tensor (rows × dimensions)"
                + (matrices.isEmpty ? "; \(file) holds no 2-D tensor" : "; its 2-D tensors: " + list(matrices.sorted { $0.name < $1.name })))
        }
        return found
    }

    /// `'a' (3 × 4), 'b' (5 × 6) and 2 more`.
    static func list(_ tensors: [TensorListing]) -> String {
        guard !tensors.isEmpty else { return "(none)" }
        let shown = tensors.prefix(listed).map { "'\($0.name)' (\($0.shapeText))" }.joined(separator: ", ")
        return tensors.count > listed ? shown + " and \(tensors.count - listed) more" : shown
    }
}
