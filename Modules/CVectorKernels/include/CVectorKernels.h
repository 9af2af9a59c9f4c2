#ifndef STACKKIT_CVECTORKERNELS_H
#define STACKKIT_CVECTORKERNELS_H
#include <stddef.h>
#endif
