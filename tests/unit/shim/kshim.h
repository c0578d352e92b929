/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's API, in userspace, to build the module's pure
 * logic files (object table, attach logic, fault queues) for the unit tests. Each header in linux/ here
 * includes this file. Semantics follow the kernel where the tests depend on
 * them: xa_alloc() hands out the lowest free index, XA_ZERO_ENTRY reserves
 * an index that xa_load() does not see, WARN_ON() is counted so that tests
 * can assert none fired.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int gfp_t;

#define GFP_KERNEL 0
#define GFP_KERNEL_ACCOUNT 0
#define __user

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Warnings */
extern int kshim_warnings;
#define WARN_ON(cond)                                                    \
	({                                                               \
		bool __c = (cond);                                       \
		if (__c) {                                               \
			kshim_warnings++;                                \
			fprintf(stderr, "# WARN_ON(%s) at %s:%d\n",      \
				#cond, __FILE__, __LINE__);              \
		}                                                        \
		__c;                                                     \
	})

/* Error pointers */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline void *ERR_CAST(const void *ptr) { return (void *)ptr; }

/*
 * Locks. Every lock of the shim embeds a struct kshim_lock as @dep_map
 * (the kernel's name for its lockdep map). Each thread keeps the locks it
 * holds; taking one it holds, or releasing one it does not, WARNs. The
 * class of a lock is its init site: taking two classes in one order and
 * later in the other WARNs (a possible deadlock, as lockdep reports).
 * kshim_atomic counts the spinlocks this thread holds; anything that may
 * sleep (allocating, taking a mutex, copying from or to user memory) WARNs
 * while one is, as the kernel's might_sleep() does.
 */
struct kshim_lock {
	const char *class;	/* "name (file:line)" of its init */
	bool spin;
	int holders;		/* threads holding it: readers, or one */
	bool write;		/* held exclusively */
};

#define KSHIM_STR2(x) #x
#define KSHIM_STR(x) KSHIM_STR2(x)
#define KSHIM_CLASS(name) name " (" __FILE__ ":" KSHIM_STR(__LINE__) ")"

void kshim_lock_init(struct kshim_lock *l, const char *class, bool spin);
void kshim_lock_acquire(struct kshim_lock *l, bool write);
void kshim_lock_release(struct kshim_lock *l);
bool kshim_lock_held(const struct kshim_lock *l, bool write);

extern __thread int kshim_atomic;
#define might_sleep() WARN_ON(kshim_atomic)

/* Memory. kshim_allocs counts the blocks allocated and not yet freed. */
extern long kshim_allocs;
static inline void *kzalloc(size_t size, gfp_t gfp)
{
	void *p;

	(void)gfp;
	might_sleep();
	p = calloc(1, size);
	kshim_allocs += !!p;
	return p;
}
static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size, gfp);
}
static inline void kfree(const void *p)
{
	kshim_allocs -= !!p;
	free((void *)p);
}

/* Reference counts: plain ints, the unit tests are single threaded. */
typedef struct { int refs; } refcount_t;
static inline void refcount_set(refcount_t *r, int n) { r->refs = n; }
static inline unsigned int refcount_read(const refcount_t *r) { return r->refs; }
static inline void refcount_inc(refcount_t *r) { WARN_ON(r->refs <= 0); r->refs++; }
static inline void refcount_dec(refcount_t *r)
{
	WARN_ON(r->refs <= 1);
	r->refs--;
}
static inline bool refcount_dec_and_test(refcount_t *r)
{
	WARN_ON(r->refs <= 0);
	return --r->refs == 0;
}

/*
 * Wait queues. A single-threaded test cannot block: wait_event() calls the
 * test's hook, standing in for the other threads, and then insists the
 * condition holds.
 */
typedef struct { int unused; } wait_queue_head_t;
extern void (*kshim_wait_hook)(void);
static inline void init_waitqueue_head(wait_queue_head_t *wq) { (void)wq; }
static inline void wake_up(wait_queue_head_t *wq) { (void)wq; }
/* Counted: a reader that is never woken would block for ever. */
extern int kshim_wakeups;
static inline void wake_up_interruptible(wait_queue_head_t *wq)
{
	(void)wq;
	kshim_wakeups++;
}
#define wait_event(wq, cond)                                             \
	do {                                                             \
		(void)(wq);                                              \
		if (!(cond) && kshim_wait_hook)                          \
			kshim_wait_hook();                               \
		if (!(cond)) {                                           \
			fprintf(stderr, "# wait_event(%s) blocks forever\n", \
				#cond);                                  \
			abort();                                         \
		}                                                        \
	} while (0)

/* XArray: a growable array, enough for ID tables. */
#include "linux/spinlock.h"

struct xarray {
	spinlock_t xa_lock;
	void **slots;
	unsigned long size;
	unsigned int flags;
};
typedef struct { u32 min, max; } xa_limit;
#define XA_LIMIT(lo, hi) ((xa_limit){ .min = (lo), .max = (hi) })
#define xa_limit_31b XA_LIMIT(0, INT32_MAX)
#define XA_FLAGS_ALLOC1 1u
#define XA_ZERO_ENTRY ((void *)0x406)	/* as the kernel's xa_mk_internal(257) */

void xa_init_flags(struct xarray *xa, unsigned int flags);
void *xa_load(struct xarray *xa, unsigned long index);
int xa_alloc(struct xarray *xa, u32 *id, void *entry, xa_limit limit, gfp_t gfp);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
static inline void *__xa_erase(struct xarray *xa, unsigned long index)
{
	WARN_ON(!kshim_lock_held(&xa->xa_lock.dep_map, true));
	return xa_erase(xa, index);
}
bool xa_empty(const struct xarray *xa);
void xa_destroy(struct xarray *xa);
static inline int xa_err(void *entry)
{
	return IS_ERR(entry) ? (int)PTR_ERR(entry) : 0;
}
void *xa_find_from(struct xarray *xa, unsigned long *index);
#define xa_lock(xa) spin_lock(&(xa)->xa_lock)
#define xa_unlock(xa) spin_unlock(&(xa)->xa_lock)
#define xa_for_each(xa, index, entry)                                    \
	for ((index) = 0; ((entry) = xa_find_from((xa), &(index))) != NULL; \
	     (index)++)

#endif /* KSHIM_H */
