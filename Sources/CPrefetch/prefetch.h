#ifndef ORRERY_CPREFETCH_H
#define ORRERY_CPREFETCH_H
// A read prefetch hint (the compiler's builtin; no library), for loops whose next loads are known
// ahead but land in unrelated cache lines (NN-descent's heap rows).
static inline void orrery_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
