// SPDX-License-Identifier: LGPL-2.1-or-later
/* libhwpt: fault queues, their records and answers, and fault injection. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <unistd.h>

#include "internal.h"

int hwpt_fault_queue_alloc(struct hwpt_ctx *ctx, uint32_t *fault_id,
			   int *fault_fd)
{
	struct hwpt_fault_alloc cmd = { .size = sizeof(cmd) };
	int rc = lh_ioctl(ctx, HWPT_FAULT_QUEUE_ALLOC, &cmd);

	if (rc)
		return lh_fail(ctx, rc, LH_FAULTQ_ALLOC,
			       "allocating a fault queue");
	*fault_id = cmd.out_fault_id;
	*fault_fd = cmd.out_fault_fd;
	return 0;
}

int hwpt_fault_wait(struct hwpt_ctx *ctx, int fault_fd, int timeout_ms)
{
	struct pollfd p = { .fd = fault_fd, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return lh_fail(ctx, -errno, LH_FAULT_READ,
			       "waiting for faults on fd %d", fault_fd);
	/* A queue destroyed under its fd polls as an error, for ever. */
	if (n > 0 && !(p.revents & POLLIN) &&
	    (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
		return lh_fail(ctx, -ENODEV, LH_FAULT_READ,
			       "waiting for faults on fd %d: its queue is gone",
			       fault_fd);
	return n > 0 && (p.revents & POLLIN);
}

int hwpt_fault_read(struct hwpt_ctx *ctx, int fault_fd,
		    struct hwpt_pgfault *recs, size_t max, size_t *nrecs)
{
	ssize_t n = read(fault_fd, recs, max * sizeof(*recs));

	if (n < 0)
		return lh_fail(ctx, -errno, LH_FAULT_READ,
			       "reading faults from fd %d", fault_fd);
	*nrecs = n / sizeof(*recs);
	return 0;
}

size_t hwpt_fault_group_len(const struct hwpt_pgfault *recs, size_t nrecs)
{
	size_t i;

	for (i = 0; i < nrecs; i++)
		if (recs[i].flags & HWPT_PGFAULT_FLAGS_LAST_PAGE)
			return i + 1;
	return nrecs;
}

int hwpt_fault_respond(struct hwpt_ctx *ctx, int fault_fd,
		       const struct hwpt_page_response *resp, size_t n)
{
	ssize_t put = write(fault_fd, resp, n * sizeof(*resp));

	if (put < 0)
		return lh_fail(ctx, -errno, LH_FAULT_RESPOND,
			       "answering %zu fault group(s)", n);
	if ((size_t)put != n * sizeof(*resp))
		return lh_fail_advice(ctx, -EIO,
				      "the queue took part of the answers only",
				      "answering %zu fault group(s)", n);
	return 0;
}

int hwpt_fault_inject(struct hwpt_ctx *ctx, struct hwpt_fault_inject *req)
{
	int rc;

	rc = lh_sized(ctx, req, LH_SIZE_UPTO(struct hwpt_fault_inject, addr),
		      false, "hwpt_fault_inject");
	if (rc)
		return rc;
	rc = lh_ioctl(ctx, HWPT_FAULT_INJECT, req);
	return rc ? lh_fail(ctx, rc, LH_FAULT_INJECT,
			    "injecting a fault group into device %u",
			    req->dev_id) : 0;
}
