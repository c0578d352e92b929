// SPDX-License-Identifier: GPL-2.0
/* hwptctl's output: terminal text or one JSON document (see out.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

#define OUT_DEPTH	16
#define OUT_ERRORS	16

static struct {
	const char *command;
	bool json;
	bool verbose;
	int depth;			/* open containers, the document's too */
	char closer[OUT_DEPTH];		/* '}' or ']' of each */
	bool first[OUT_DEPTH];		/* no element in it yet */
	char *errors[OUT_ERRORS];
	int nerrors;
	bool progress;			/* a progress line is showing */
} out;

bool out_json(void)
{
	return out.json;
}

void out_set_verbose(bool verbose)
{
	out.verbose = verbose;
}

bool out_verbose(void)
{
	return out.verbose;
}

static void out_escaped(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Start a JSON element: separator, indentation and key. */
static void out_elem(const char *key)
{
	if (!out.first[out.depth - 1])
		putchar(',');
	out.first[out.depth - 1] = false;
	printf("\n%*s", 2 * out.depth, "");
	if (key) {
		out_escaped(key);
		fputs(": ", stdout);
	}
}

static void out_open(const char *key, char open, char close)
{
	if (out.depth == OUT_DEPTH) {
		fprintf(stderr, "hwptctl: JSON nested too deep\n");
		exit(1);
	}
	if (out.depth)
		out_elem(key);
	putchar(open);
	out.closer[out.depth] = close;
	out.first[out.depth++] = true;
}

void out_start(const char *command, bool json)
{
	out.command = command;
	out.json = json;
	if (json) {
		out_open(NULL, '{', '}');
		out_uint("schema", NULL, OUT_SCHEMA);
		out_str("command", NULL, command);
	}
}

void out_obj(const char *key)
{
	if (out.json)
		out_open(key, '{', '}');
}

void out_arr(const char *key)
{
	if (out.json)
		out_open(key, '[', ']');
}

void out_end(void)
{
	if (!out.json || !out.depth)
		return;
	out.depth--;
	if (!out.first[out.depth])
		printf("\n%*s", 2 * out.depth, "");
	putchar(out.closer[out.depth]);
}

void out_str(const char *key, const char *fmt, const char *v)
{
	if (out.json) {
		out_elem(key);
		if (v)
			out_escaped(v);
		else
			fputs("null", stdout);
	} else if (fmt) {
		printf(fmt, v ? v : "-");
	}
}

void out_nulls(const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	for (; key; key = va_arg(ap, const char *))
		out_str(key, NULL, NULL);
	va_end(ap);
}

void out_uint(const char *key, const char *fmt, unsigned long long v)
{
	if (out.json) {
		out_elem(key);
		printf("%llu", v);
	} else if (fmt) {
		printf(fmt, v);
	}
}

void out_int(const char *key, const char *fmt, long long v)
{
	if (out.json) {
		out_elem(key);
		printf("%lld", v);
	} else if (fmt) {
		printf(fmt, v);
	}
}

void out_bool(const char *key, const char *fmt, bool v)
{
	if (out.json) {
		out_elem(key);
		fputs(v ? "true" : "false", stdout);
	} else if (fmt) {
		printf(fmt, v ? "yes" : "no");
	}
}

void out_double(const char *key, const char *fmt, double v)
{
	if (out.json) {
		out_elem(key);
		printf("%.3f", v);
	} else if (fmt) {
		printf(fmt, v);
	}
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void out_vtext(const char *fmt, ...)
{
	va_list ap;

	if (out.json || !out.verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void out_error(const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		msg = NULL;
	if (!out.json) {
		out_progress_end();
		fflush(stdout);
		fprintf(stderr, "hwptctl%s%s: %s\n", out.command ? " " : "",
			out.command ? out.command : "", msg ? msg : fmt);
		free(msg);
	} else if (out.nerrors < OUT_ERRORS && msg) {
		out.errors[out.nerrors++] = msg;
	} else {
		free(msg);
	}
}

void out_progress(const char *fmt, ...)
{
	va_list ap;

	if (out.json || !isatty(STDERR_FILENO))
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	out.progress = true;
}

void out_progress_end(void)
{
	if (out.progress)
		fputs("\r\033[K", stderr);
	out.progress = false;
}

int out_finish(int rc)
{
	int i;

	out_progress_end();
	if (!out.json)
		return rc;
	while (out.depth > 1)
		out_end();
	out_bool("ok", NULL, rc == 0);
	out_str("error", NULL, out.nerrors ? out.errors[0] : NULL);
	out_arr("errors");
	for (i = 0; i < out.nerrors; i++)
		out_str(NULL, NULL, out.errors[i]);
	out_end();
	for (i = 0; i < out.nerrors; i++)
		free(out.errors[i]);
	out_end();
	putchar('\n');
	fflush(stdout);
	return rc;
}
