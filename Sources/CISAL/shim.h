// Intel ISA-L (Debian's libisal-dev, BSD-3-Clause): its CRC functions, which pick the fastest
// instructions the processor has (SSE4.2 crc32, PCLMULQDQ folding, AVX-512) at run time.
#include <isa-l/crc.h>
