/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small strict JSON parser for the guest test of hwptctl (cli.c): the
 * whole text must be one JSON value (RFC 8259), else parsing fails and
 * says where. Values are looked up by paths like "devices.3.name"
 * (members by name, array elements by index).
 */
#ifndef HWPT_TESTS_GUEST_CLI_JSON_H
#define HWPT_TESTS_GUEST_CLI_JSON_H

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum json_type {
	JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ,
};

struct json {
	enum json_type type;
	bool b;
	double num;
	unsigned long long u;	/* a non-negative integer, exactly */
	char *s;		/* JSON_STR */
	char *key;		/* the member's name, inside an object */
	struct json *child;	/* first element or member */
	struct json *next;	/* next sibling */
};

struct json_parser {
	const char *p;
	const char *start;
	const char *err;	/* what went wrong */
	int depth;
};

static inline void json_free(struct json *v)
{
	while (v) {
		struct json *next = v->next;

		json_free(v->child);
		free(v->s);
		free(v->key);
		free(v);
		v = next;
	}
}

static inline void json_ws(struct json_parser *j)
{
	while (*j->p && strchr(" \t\n\r", *j->p))
		j->p++;
}

static inline struct json *json_fail(struct json_parser *j,
				     const char *why)
{
	if (!j->err)
		j->err = why;
	return NULL;
}

/* A string at j->p (past its opening quote); NULL on error. */
static inline char *json_string(struct json_parser *j)
{
	size_t n = 0, cap = 32;
	char *s = malloc(cap);

	for (; s; j->p++) {
		char c = *j->p;

		if (n + 8 > cap)
			s = realloc(s, cap *= 2);
		if (!s)
			break;
		if (c == '"') {
			j->p++;
			s[n] = 0;
			return s;
		}
		if ((unsigned char)c < 0x20)
			break;
		if (c != '\\') {
			s[n++] = c;
			continue;
		}
		c = *++j->p;
		if (c == 'u') {
			unsigned int cp;

			if (sscanf(j->p + 1, "%4x", &cp) != 1 ||
			    !isxdigit((unsigned char)j->p[4]))
				break;
			j->p += 4;
			/* Only what hwptctl writes: control characters. */
			s[n++] = cp < 0x80 ? (char)cp : '?';
			continue;
		}
		if (!c || !strchr("\"\\/bfnrt", c))
			break;
		s[n++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' :
			 c == 'b' ? '\b' : c == 'f' ? '\f' : c;
	}
	free(s);
	json_fail(j, "bad string");
	return NULL;
}

static inline struct json *json_value(struct json_parser *j);

/* The elements of an array or members of an object, after its bracket. */
static inline struct json *json_items(struct json_parser *j,
				      struct json *v, bool obj)
{
	struct json **tail = &v->child;
	char close = obj ? '}' : ']';

	json_ws(j);
	if (*j->p == close) {
		j->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct json *item;

		json_ws(j);
		if (obj) {
			if (*j->p != '"')
				return json_fail(j, "expected a member name");
			j->p++;
			key = json_string(j);
			if (!key)
				return NULL;
			json_ws(j);
			if (*j->p != ':') {
				free(key);
				return json_fail(j, "expected ':'");
			}
			j->p++;
		}
		item = json_value(j);
		if (!item) {
			free(key);
			return NULL;
		}
		item->key = key;
		*tail = item;
		tail = &item->next;
		json_ws(j);
		if (*j->p == close) {
			j->p++;
			return v;
		}
		if (*j->p != ',')
			return json_fail(j, "expected ',' or the closing bracket");
		j->p++;
	}
}

static inline struct json *json_value(struct json_parser *j)
{
	struct json *v = calloc(1, sizeof(*v));
	struct json *r = v;
	char *end;

	if (!v)
		return json_fail(j, "out of memory");
	json_ws(j);
	if (++j->depth > 64) {
		r = json_fail(j, "nested too deep");
	} else if (*j->p == '{' || *j->p == '[') {
		v->type = *j->p == '{' ? JSON_OBJ : JSON_ARR;
		j->p++;
		r = json_items(j, v, v->type == JSON_OBJ);
	} else if (*j->p == '"') {
		v->type = JSON_STR;
		j->p++;
		v->s = json_string(j);
		r = v->s ? v : NULL;
	} else if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
		v->type = JSON_BOOL;
		v->b = *j->p == 't';
		j->p += v->b ? 4 : 5;
	} else if (!strncmp(j->p, "null", 4)) {
		j->p += 4;
	} else if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
		v->type = JSON_NUM;
		v->num = strtod(j->p, &end);
		if (*j->p != '-')
			v->u = strtoull(j->p, NULL, 10);
		j->p = end;
	} else {
		r = json_fail(j, "unexpected character");
	}
	j->depth--;
	if (!r)
		json_free(v);
	return r;
}

/* Parse all of @text; NULL with *@err (and the offset in *@at) if not JSON. */
static inline struct json *json_parse(const char *text, const char **err,
				      long *at)
{
	struct json_parser j = { .p = text, .start = text };
	struct json *v = json_value(&j);

	json_ws(&j);
	if (v && *j.p) {
		json_free(v);
		v = json_fail(&j, "more after the value");
	}
	*err = j.err;
	*at = j.p - text;
	return v;
}

/* The value at @path below @v ("a.b.2.c"), or NULL. */
static inline const struct json *json_get(const struct json *v,
					  const char *path)
{
	char part[64];
	size_t n;

	while (v && *path) {
		const struct json *c;
		long idx;

		n = strcspn(path, ".");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = 0;
		path += n + (path[n] == '.');
		idx = v->type == JSON_ARR ? strtol(part, NULL, 10) : -1;
		for (c = v->child; c; c = c->next, idx--)
			if (v->type == JSON_ARR ? idx == 0 :
			    (c->key && !strcmp(c->key, part)))
				break;
		v = c;
	}
	return v;
}

/* Elements of an array (0 if not one). */
static inline size_t json_len(const struct json *v)
{
	size_t n = 0;

	for (v = v && v->type == JSON_ARR ? v->child : NULL; v; v = v->next)
		n++;
	return n;
}

/* The string at @path, or NULL if none (or not a string). */
static inline const char *json_str(const struct json *v,
				   const char *path)
{
	v = json_get(v, path);
	return v && v->type == JSON_STR ? v->s : NULL;
}

/* The number at @path as an integer, or -1 if none. */
static inline long long json_int(const struct json *v,
				 const char *path)
{
	v = json_get(v, path);
	return v && v->type == JSON_NUM ? (long long)v->num : -1;
}

/* The boolean at @path: 1, 0, or -1 if none. */
static inline int json_bool(const struct json *v, const char *path)
{
	v = json_get(v, path);
	return v && v->type == JSON_BOOL ? v->b : -1;
}

/* The value at @path is null. */
static inline bool json_null(const struct json *v, const char *path)
{
	v = json_get(v, path);
	return v && v->type == JSON_NULL;
}

#endif /* HWPT_TESTS_GUEST_CLI_JSON_H */
