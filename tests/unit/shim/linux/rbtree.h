/* SPDX-License-Identifier: GPL-2.0 */
/* The red-black tree's types, for struct definitions; no operations. */
#include "../kshim.h"

#ifndef KSHIM_RBTREE_H
#define KSHIM_RBTREE_H
struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
};

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_ROOT_CACHED ((struct rb_root_cached){ { NULL }, NULL })
#endif
