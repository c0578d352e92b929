/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's own fault injection: Debian's kernels have no fault
 * injection framework, so every allocation and IOMMU core call that can
 * fail first asks hwpt_should_fail(). Off unless the module was loaded
 * with debug_inject=1; see inject.c.
 */
#ifndef HWPT_INJECT_H
#define HWPT_INJECT_H

#include <linux/types.h>

bool hwpt_should_fail(void);
bool hwpt_inject_enabled(void);

/* @call, or @err instead when the injected failure is due here. */
#define hwpt_inject(err, call) (hwpt_should_fail() ? (err) : (call))

#endif /* HWPT_INJECT_H */
