#ifndef ORRERY_CBLAS_SHIM_H
#define ORRERY_CBLAS_SHIM_H
// OpenBLAS (CBLAS interface) and LAPACKE, from Debian's libopenblas-dev and liblapacke-dev.
#include <cblas.h>
#include <lapacke.h>
#endif
