#ifndef ORRERY_CPREFETCH_H
#define ORRERY_CPREFETCH_H
// A read prefetch hint (the compiler's builtin; no library), for loops whose next loads are known
// ahead but land in unrelated cache lines (NN-descent's heap rows).
static inline void orrery_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

// The same for every 64-byte cache line of `bytes` bytes from `address`.
static inline void orrery_prefetch_bytes(const void *address, long bytes) {
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch((const char *)address + offset, 0, 3);
}
#endif
