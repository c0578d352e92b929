/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User memory is the test's own memory. kshim_user_end, when set, is where
 * the caller's mapping ends: a copy that reaches past it copies the bytes
 * below it and returns how many it could not copy, as a fault would.
 */
#include "../kshim.h"

#ifndef KSHIM_UACCESS_H
#define KSHIM_UACCESS_H
#include <string.h>

extern const char *kshim_user_end;

/* Bytes of [@p, @p + @n) below kshim_user_end. */
static inline unsigned long kshim_user_room(const void *p, unsigned long n)
{
	uintptr_t start = (uintptr_t)p, end = (uintptr_t)kshim_user_end;

	if (!kshim_user_end || start + n <= end)
		return n;
	return start < end ? end - start : 0;
}

static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	unsigned long ok = kshim_user_room(to, n);

	might_sleep();
	if (ok)
		memcpy(to, from, ok);
	return n - ok;
}

static inline unsigned long copy_from_user(void *to, const void __user *from,
					   unsigned long n)
{
	unsigned long ok = kshim_user_room(from, n);

	might_sleep();
	if (ok)
		memcpy(to, from, ok);
	/* As the kernel's: what could not be copied is zeroed. */
	memset((char *)to + ok, 0, n - ok);
	return n - ok;
}
#endif
