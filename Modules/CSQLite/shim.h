#ifndef STACKKIT_CSQLITE_SHIM_H
#define STACKKIT_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
