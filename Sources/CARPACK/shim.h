#ifndef ORRERY_CARPACK_SHIM_H
#define ORRERY_CARPACK_SHIM_H
// ARPACK-NG's ISO C binding (dsaupd_c / dseupd_c), from Debian's libarpack2-dev (BSD licence).
#include <arpack/arpack.h>
#endif
