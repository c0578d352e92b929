// SPDX-License-Identifier: GPL-2.0
/* The out-of-line part of kshim.h. */
#include "kshim.h"

#include "linux/spinlock.h"
#include "linux/uaccess.h"

#include <string.h>

int kshim_warnings;
__thread int kshim_atomic;
long kshim_allocs;
int kshim_wakeups;
void (*kshim_wait_hook)(void);
void (*kshim_spin_hook)(spinlock_t *lock, bool taken);
const char *kshim_user_end;

void xa_init_flags(struct xarray *xa, unsigned int flags)
{
	spin_lock_init(&xa->xa_lock);
	xa->slots = NULL;
	xa->size = 0;
	xa->flags = flags;
}

static void *xa_slot(struct xarray *xa, unsigned long index)
{
	return index < xa->size ? xa->slots[index] : NULL;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	void *entry = xa_slot(xa, index);

	return entry == XA_ZERO_ENTRY ? NULL : entry;
}

static int xa_grow(struct xarray *xa, unsigned long index)
{
	unsigned long size = xa->size ? xa->size : 8;
	void **slots;

	while (size <= index)
		size *= 2;
	if (size == xa->size)
		return 0;
	slots = realloc(xa->slots, size * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (unsigned long i = xa->size; i < size; i++)
		slots[i] = NULL;
	xa->slots = slots;
	xa->size = size;
	return 0;
}

int xa_alloc(struct xarray *xa, u32 *id, void *entry, xa_limit limit, gfp_t gfp)
{
	unsigned long i = limit.min;

	(void)gfp;
	if ((xa->flags & XA_FLAGS_ALLOC1) && i == 0)
		i = 1;
	for (; i <= limit.max; i++) {
		if (xa_slot(xa, i))
			continue;
		if (xa_grow(xa, i))
			return -ENOMEM;
		xa->slots[i] = entry ? entry : XA_ZERO_ENTRY;
		*id = i;
		return 0;
	}
	return -EBUSY;
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	(void)gfp;
	if (xa_grow(xa, index))
		return ERR_PTR(-ENOMEM);
	old = xa->slots[index];
	xa->slots[index] = entry;
	return old == XA_ZERO_ENTRY ? NULL : old;
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	void *old = xa_slot(xa, index);

	if (index < xa->size)
		xa->slots[index] = NULL;
	return old == XA_ZERO_ENTRY ? NULL : old;
}

bool xa_empty(const struct xarray *xa)
{
	for (unsigned long i = 0; i < xa->size; i++)
		if (xa->slots[i])
			return false;
	return true;
}

void xa_destroy(struct xarray *xa)
{
	free(xa->slots);
	xa->slots = NULL;
	xa->size = 0;
}

void *xa_find_from(struct xarray *xa, unsigned long *index)
{
	for (; *index < xa->size; (*index)++) {
		void *entry = xa->slots[*index];

		if (entry && entry != XA_ZERO_ENTRY)
			return entry;
	}
	return NULL;
}

/* ---- Locks ---- */

#define KSHIM_HELD_MAX 16
#define KSHIM_ORDER_MAX 256

/* The locks this thread holds, in the order taken. */
static __thread struct kshim_lock *held[KSHIM_HELD_MAX];
static __thread int nheld;

/* Class pairs seen nested: first[i] held while second[i] was taken. */
static const char *order_first[KSHIM_ORDER_MAX];
static const char *order_second[KSHIM_ORDER_MAX];
static int norder;

static const char *kshim_class(const struct kshim_lock *l)
{
	return l->class ? l->class : "(a lock never initialized)";
}

void kshim_lock_init(struct kshim_lock *l, const char *class, bool spin)
{
	l->class = class;
	l->spin = spin;
	l->holders = 0;
	l->write = false;
}

static bool kshim_seen(const char *first, const char *second)
{
	for (int i = 0; i < norder; i++)
		if (!strcmp(order_first[i], first) &&
		    !strcmp(order_second[i], second))
			return true;
	return false;
}

/* Nesting @l inside what this thread holds: check and record the order. */
static void kshim_lock_order(const struct kshim_lock *l)
{
	const char *c = kshim_class(l);

	for (int i = 0; i < nheld; i++) {
		const char *h = kshim_class(held[i]);

		if (!strcmp(h, c)) {
			kshim_warnings++;
			fprintf(stderr, "# lock class %s nested in itself\n", c);
		} else if (kshim_seen(c, h)) {
			kshim_warnings++;
			fprintf(stderr, "# lock order: %s taken under %s, and the other way round before\n",
				c, h);
		} else if (!kshim_seen(h, c) && norder < KSHIM_ORDER_MAX) {
			order_first[norder] = h;
			order_second[norder++] = c;
		}
	}
}

void kshim_lock_acquire(struct kshim_lock *l, bool write)
{
	if (!l->class) {
		kshim_warnings++;
		fprintf(stderr, "# taking a lock never initialized\n");
	}
	if (kshim_lock_held(l, false)) {
		kshim_warnings++;
		fprintf(stderr, "# %s taken again by its holder: deadlock\n",
			kshim_class(l));
	}
	/* Single threaded tests: another holder would block us forever. */
	WARN_ON(l->write || (write && l->holders));
	kshim_lock_order(l);
	if (WARN_ON(nheld == KSHIM_HELD_MAX))
		abort();
	held[nheld++] = l;
	l->holders++;
	l->write = write;
	kshim_atomic += l->spin;
}

void kshim_lock_release(struct kshim_lock *l)
{
	int i;

	for (i = nheld - 1; i >= 0 && held[i] != l; i--)
		;
	if (i < 0) {
		kshim_warnings++;
		fprintf(stderr, "# %s released but not held\n", kshim_class(l));
		return;
	}
	memmove(&held[i], &held[i + 1], (nheld - i - 1) * sizeof(held[0]));
	nheld--;
	l->holders--;
	l->write = false;
	kshim_atomic -= l->spin;
}

/* Does this thread hold @l (exclusively, if @write)? */
bool kshim_lock_held(const struct kshim_lock *l, bool write)
{
	for (int i = 0; i < nheld; i++)
		if (held[i] == l)
			return !write || l->write;
	return false;
}
