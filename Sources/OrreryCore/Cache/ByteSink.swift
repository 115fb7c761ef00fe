import Crypto
import Foundation

/// Where `BinaryWriter` puts bytes: memory, a running SHA-256, or a file (hashing as it writes).
/// Cache payloads of a 400,000 × 300 dataset are 480 MB: they are streamed, never held twice.
protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer)
}

/// Collects the bytes in memory (small payloads, tests).
struct DataSink: ByteSink {
    var data = Data()
    mutating func write(_ bytes: UnsafeRawBufferPointer) { data.append(contentsOf: bytes) }
}

/// Counts and hashes the bytes without keeping them.
struct HashSink: ByteSink {
    var hasher = SHA256()
    var count = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        count += bytes.count
    }

    var digest: Data { Data(hasher.finalize()) }
    var hex: String { digest.map { String(format: "%02x", $0) }.joined() }
}

/// Writes the bytes to a file through a 1 MiB buffer, hashing them; the first failure is kept
/// and ends writing (check `failure` at the end).
struct FileSink: ByteSink {
    let handle: FileHandle
    var hash = HashSink()
    var buffer = Data()
    var failure: (any Error)?

    init(_ handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(Self.capacity)
    }

    static let capacity = 1 << 20

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        hash.write(bytes)
        var offset = 0
        while failure == nil && offset < bytes.count {
            let n = min(bytes.count - offset, Self.capacity - buffer.count)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + n]))
            offset += n
            if buffer.count >= Self.capacity { flush() }
        }
    }

    mutating func flush() {
        guard failure == nil, !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch { failure = error }
        buffer.removeAll(keepingCapacity: true)
    }
}
