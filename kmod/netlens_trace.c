// SPDX-License-Identifier: GPL-2.0
/* Instantiates the netlens tracepoints declared in netlens-events.h. */
#define CREATE_TRACE_POINTS
#include "netlens-events.h"
