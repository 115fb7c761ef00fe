// librsvg (LGPL-2.1+, linked dynamically) renders an SVG onto a cairo surface (LGPL-2.1 / MPL-1.1);
// Debian: librsvg2-dev (which brings libcairo2-dev).
#include <librsvg/rsvg.h>
#include <cairo.h>
