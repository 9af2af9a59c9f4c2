// poppler's GLib C API (Debian's libpoppler-glib-dev), for MemoryPDF.
#include <poppler.h>
