#ifndef ORRERY_CKISSFFT_SHIM_H
#define ORRERY_CKISSFFT_SHIM_H
// KissFFT (BSD licence), single precision, from Debian's libkissfft-dev.
#include <kissfft/kiss_fft.h>
#include <kissfft/kiss_fftnd.h>
#include <kissfft/kiss_fftndr.h>
#endif
