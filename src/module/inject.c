// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for testing error paths: with debug_inject=1 at load
 * time, root writes N to /sys/module/hwpt/parameters/fail_nth and the Nth
 * failure point reached by the writing process fails (allocations with
 * ENOMEM, IOMMU core calls with their own error); "N,K" fails K points in
 * a row from the Nth (a call and the undo of it, say). Reading fail_nth
 * gives the points still to go: 0 once the failure fired. Other processes
 * are not affected, so a test sweeping one operation (fail the 1st point,
 * the 2nd, ... until the operation succeeds untouched) is not disturbed.
 */
#include <linux/atomic.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sysfs.h>

#include "inject.h"

static bool debug_inject;
module_param(debug_inject, bool, 0444);
MODULE_PARM_DESC(debug_inject,
		 "Allow fault injection (fail_nth). Tests and labs only.");

static atomic_t fail_countdown = ATOMIC_INIT(0);
static atomic_t fail_repeat = ATOMIC_INIT(0);
static atomic_t fail_tgid = ATOMIC_INIT(0);

bool hwpt_inject_enabled(void)
{
	return debug_inject;
}

bool hwpt_should_fail(void)
{
	if (!debug_inject || atomic_read(&fail_tgid) != current->tgid)
		return false;
	if (atomic_dec_if_positive(&fail_countdown) == 0)
		return true;
	/* Once the Nth fired (countdown 0), the K - 1 after it. */
	return !atomic_read(&fail_countdown) &&
	       atomic_dec_if_positive(&fail_repeat) >= 0;
}

static int fail_nth_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n, k = 1;
	char end;

	if (!debug_inject)
		return -EPERM;
	if (sscanf(val, "%u,%u%c", &n, &k, &end) < 1 || !k)
		return -EINVAL;
	atomic_set(&fail_countdown, 0);
	atomic_set(&fail_repeat, 0);
	atomic_set(&fail_tgid, current->tgid);
	atomic_set(&fail_repeat, n ? k - 1 : 0);
	atomic_set(&fail_countdown, n);
	return 0;
}

static int fail_nth_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&fail_countdown));
}

static const struct kernel_param_ops fail_nth_ops = {
	.set = fail_nth_set,
	.get = fail_nth_get,
};
module_param_cb(fail_nth, &fail_nth_ops, NULL, 0600);
MODULE_PARM_DESC(fail_nth,
		 "Fail the Nth failure point of the writing process (0: off).");
