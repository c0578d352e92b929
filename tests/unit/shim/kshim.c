// SPDX-License-Identifier: GPL-2.0
/* The out-of-line part of kshim.h. */
#include "kshim.h"

#include "linux/spinlock.h"
#include "linux/uaccess.h"

int kshim_warnings;
int kshim_atomic;
long kshim_allocs;
int kshim_wakeups;
void (*kshim_wait_hook)(void);
void (*kshim_spin_hook)(spinlock_t *lock, bool taken);
const char *kshim_user_end;

void xa_init_flags(struct xarray *xa, unsigned int flags)
{
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
	xa_init_flags(xa, xa->flags);
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
