/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probes' answers for the unit tests' userspace build (the module's
 * own conftest.h is generated per kernel): a kernel with attach handles.
 */
#define HAVE_GROUP_HANDLE_API 1
