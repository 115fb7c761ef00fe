import Foundation

/// A growable byte buffer for building large text files: bytes go straight into one allocation
/// (doubling when full), nothing allocates per value, and `data()` hands the buffer to `Data`
/// without a copy. A `TextOutputStream`, so `Float.write(to:)` (the standard library's own
/// shortest round-tripping formatter, the one `description` uses) writes its digits into it
/// without making a `String`.
///
/// One owner at a time: a copy shares the allocation, and only `data()` frees it.
struct ByteWriter: TextOutputStream {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `n` more bytes.
    @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    @inline(never) private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        base[count] = a
        base[count + 1] = b
        count += 2
    }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    /// `value` in decimal.
    @inline(__always) mutating func appendInteger(_ value: Int64) {
        var v = value
        if v < 0 {
            append(0x2D)
            guard v != .min else { append(Array(String(value).utf8.dropFirst())); return }
            v = -v
        }
        var digits = 1, t = v
        while t >= 10 { t /= 10; digits += 1 }
        reserve(digits)
        var i = count + digits - 1
        repeat {
            base[i] = 0x30 + UInt8(truncatingIfNeeded: v % 10)
            v /= 10
            i -= 1
        } while v > 0
        count += digits
    }

    /// `NumberText.fixed(x, decimals)`, digit by digit; `scale` is 10^decimals as `NumberText`
    /// computes it (`FixedScale`).
    @inline(__always) mutating func appendFixed(_ x: Double, _ scale: FixedScale) {
        let scaled = (abs(x) * scale.double).rounded()
        guard x.isFinite, scaled < 9e15 else {
            write(NumberText.fixed(x, scale.decimals))
            return
        }
        let units = Int64(scaled)
        if x < 0 && units > 0 { append(0x2D) }
        appendInteger(units / scale.integer)
        guard scale.decimals > 0 else { return }
        reserve(scale.decimals + 1)
        base[count] = 0x2E  // "."
        var frac = units % scale.integer
        var i = count + scale.decimals
        while i > count {
            base[i] = 0x30 + UInt8(truncatingIfNeeded: frac % 10)
            frac /= 10
            i -= 1
        }
        count += scale.decimals + 1
    }

    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { append($0) }
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { append(buffer) }

    /// The bytes written, as `Data` that owns (and will free) the buffer.
    consuming func data() -> Data {
        Data(bytesNoCopy: base, count: count, deallocator: .custom { p, _ in p.deallocate() })
    }
}

/// 10^decimals, as `NumberText.fixed` computes it (ten multiplied in `decimals` times).
struct FixedScale {
    let decimals: Int
    let double: Double
    let integer: Int64

    init(_ decimals: Int) {
        self.decimals = decimals
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        double = scale
        integer = Int64(scale)
    }
}
