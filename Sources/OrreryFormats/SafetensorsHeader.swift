import Foundation
import OrreryCore

/// The header of a safetensors file (Hugging Face's format): 8 bytes holding N (little-endian
/// unsigned), N bytes of JSON — `{"name": {"dtype": "F32", "shape": [30522, 384],
/// "data_offsets": [begin, end]}, …, "__metadata__": {…}}` — then the tensors' raw little-endian
/// bytes, each at `[begin, end)` from the end of the header.
///
/// Parsing checks what the reference reader checks: the header fits the file, each tensor's byte
/// range lies in the data and matches its shape and dtype, and no two ranges overlap.
public struct SafetensorsHeader: Sendable, Equatable {
    public struct Tensor: Sendable, Equatable {
        public var name: String
        /// `F32`, `F16`, `BF16`, `F64`, `I64`, …
        public var dtype: String
        public var shape: [Int]
        /// The tensor's bytes, as offsets from the start of the file.
        public var bytes: Range<Int>

        public var listing: TensorListing { TensorListing(name: name, shape: shape) }

        /// The element type, when Orrery can load it.
        public var element: FloatElement? {
            switch dtype {
            case "F32": .float32
            case "F64": .float64
            case "F16": .float16
            case "BF16": .bfloat16
            default: nil
            }
        }
    }

    /// Every tensor, in name order.
    public var tensors: [Tensor]
    /// The `__metadata__` strings.
    public var metadata: [String: String]

    /// The largest header the reference reader accepts (100 MB).
    static let maximumLength = 100_000_000

    /// Bytes per element of the dtypes the format defines (for the size check).
    static let widths: [String: Int] = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                                        "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1]

    /// Parses the header of the file whose bytes are `file`; `path` names it in errors.
    ///
    /// - Complexity: O(header length + t log t) for t tensors.
    public static func parse(_ file: Data, path: String) throws(OrreryError) -> SafetensorsHeader {
        func bad(_ reason: String) -> OrreryError { .malformed(file: path, line: 0, column: nil, reason: reason) }
        guard file.count >= 8 else {
            throw bad("truncated: \(file.count) bytes is shorter than the 8-byte header length a safetensors file starts with")
        }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(file[file.startIndex + i]) << (8 * UInt64(i)) }
        guard n <= UInt64(file.count - 8) else {
            throw bad("the header length says \(n) bytes, but the file has only \(file.count - 8) after it; the file was cut short or is not a safetensors file")
        }
        guard n <= UInt64(maximumLength) else { throw bad("the header is \(n) bytes, more than the format's \(maximumLength)") }
        let dataStart = 8 + Int(n)
        let headerBytes = file.subdata(in: (file.startIndex + 8)..<(file.startIndex + dataStart))
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw bad("the header does not start with '{'; not a safetensors file")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw bad("the \(n)-byte header is not a JSON object")
        }
        let dataCount = file.count - dataStart
        var tensors: [Tensor] = []
        var metadata: [String: String] = [:]
        for name in object.keys.sorted() {
            guard let value = object[name] else { continue }
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw bad("__metadata__ is not an object") }
                for (k, v) in m { metadata[k] = (v as? String) ?? "\(v)" }
                continue
            }
            guard let t = value as? [String: Any] else { throw bad("tensor '\(name)' is not an object") }
            guard let dtype = t["dtype"] as? String else { throw bad("tensor '\(name)' has no dtype") }
            guard let shapeValues = t["shape"] as? [Any], let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("tensor '\(name)' has no shape: expected a list of non-negative whole numbers (each below 9e15)")
            }
            guard let offsetValues = t["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2 else {
                throw bad("tensor '\(name)' has no data_offsets [begin, end]")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataCount else {
                throw bad("tensor '\(name)' has data_offsets [\(begin), \(end)], outside the \(dataCount) bytes of data after the header")
            }
            if let width = widths[dtype] {
                var count = width
                for d in shape {
                    let (p, o) = count.multipliedReportingOverflow(by: d)
                    guard !o else { throw bad("tensor '\(name)' has a shape too large to hold") }
                    count = p
                }
                guard count == end - begin else {
                    throw bad("tensor '\(name)' (\(dtype), shape \(TensorListing(name: name, shape: shape).shapeText)) takes \(count) bytes, but its data_offsets [\(begin), \(end)] span \(end - begin)")
                }
            }
            tensors.append(Tensor(name: name, dtype: dtype, shape: shape, bytes: (dataStart + begin)..<(dataStart + end)))
        }
        let byStart = tensors.filter { !$0.bytes.isEmpty }.sorted { $0.bytes.lowerBound < $1.bytes.lowerBound }
        for (a, b) in zip(byStart, byStart.dropFirst()) where b.bytes.lowerBound < a.bytes.upperBound {
            throw bad("the data of tensors '\(a.name)' [\(a.bytes.lowerBound - dataStart), \(a.bytes.upperBound - dataStart)) and '\(b.name)' [\(b.bytes.lowerBound - dataStart), \(b.bytes.upperBound - dataStart)) overlap")
        }
        return SafetensorsHeader(tensors: tensors, metadata: metadata)
    }

    /// Whole numbers of a JSON array (`NSNumber`s holding integers), or nil.
    static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            guard let number = v as? NSNumber else { return nil }
            let d = number.doubleValue
            guard d.rounded() == d, abs(d) < 9e15 else { return nil }
            out.append(number.intValue)
        }
        return out
    }

    /// `tensor`'s values from the file's bytes `file` as a float32 matrix (it must be 2-D and of a
    /// float dtype); `path` names the file in errors.
    ///
    /// - Complexity: O(rows · columns).
    public static func matrix(_ tensor: Tensor, in file: Data, path: String) throws(OrreryError) -> Matrix {
        guard let element = tensor.element else {
            throw .malformed(file: path, line: 0, column: nil,
                             reason: "tensor '\(tensor.name)' has dtype \(tensor.dtype), which Orrery does not load; it reads F32, F64, F16 and BF16 tensors")
        }
        guard tensor.shape.count == 2 else {
            throw .shapeMismatch("tensor '\(tensor.name)' in \(path) has shape \(tensor.listing.shapeText), but an embedding is a 2-D tensor (rows × dimensions)")
        }
        return file.withUnsafeBytes { raw in
            FloatTensor.matrix(UnsafeRawBufferPointer(rebasing: raw[tensor.bytes]), element: element,
                               rows: tensor.shape[0], columns: tensor.shape[1])
        }
    }
}
