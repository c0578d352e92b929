/* SPDX-License-Identifier: GPL-2.0 */
/* Atomics: the unit tests are single threaded, so plain ints do. */
#include "../kshim.h"

#ifndef KSHIM_ATOMIC_H
#define KSHIM_ATOMIC_H
typedef struct {
	int counter;
} atomic_t;

#define ATOMIC_INIT(i) { (i) }
static inline int atomic_read(const atomic_t *v) { return v->counter; }
static inline void atomic_set(atomic_t *v, int i) { v->counter = i; }
static inline void atomic_inc(atomic_t *v) { v->counter++; }
static inline void atomic_dec(atomic_t *v) { v->counter--; }
#endif
