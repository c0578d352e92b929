/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hwptctl's output: one call per datum, read on a terminal or parsed with
 * --json. Each value has a JSON key and a printf format for the terminal
 * (NULL: JSON only); out_text() is for the terminal only. With --json,
 * stdout carries exactly one JSON document per invocation, whose keys do
 * not depend on the machine's state: what is unknown is null.
 *
 * -v (verbose) shows on the terminal what the JSON document carries: the
 * formats of data that are JSON-only without it are given as OUT_V(fmt).
 */
#ifndef HWPTCTL_OUT_H
#define HWPTCTL_OUT_H

#include <stdbool.h>

/* The version of the documents' layout, their "schema": raised on a change. */
#define OUT_SCHEMA	1

/* Begin the document of @command (NULL: hwptctl's own), JSON with @json. */
void out_start(const char *command, bool json);
bool out_json(void);

void out_set_verbose(bool verbose);
bool out_verbose(void);
/* A terminal format shown with -v only. */
#define OUT_V(fmt)	(out_verbose() ? (fmt) : NULL)

/* Objects and arrays: @key is NULL for an array's elements. */
void out_obj(const char *key);
void out_arr(const char *key);
void out_end(void);

/* A value; @v NULL is JSON null (and "-" on the terminal). */
void out_str(const char *key, const char *fmt, const char *v);
/* JSON nulls for the keys, a NULL after the last: unknown in this state. */
void out_nulls(const char *key, ...) __attribute__((sentinel));
void out_uint(const char *key, const char *fmt, unsigned long long v);
void out_int(const char *key, const char *fmt, long long v);
/* On the terminal @fmt gets "yes" or "no". */
void out_bool(const char *key, const char *fmt, bool v);
void out_double(const char *key, const char *fmt, double v);

/* Terminal only; out_vtext() with -v only. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_vtext(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A failure: on the terminal "hwptctl COMMAND: message" on stderr, in
 * JSON the document's "error" (the first one, null if none; all of them
 * in "errors").
 */
void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A progress line on stderr, on a terminal without --json only. */
void out_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_progress_end(void);

/* End the document ("ok": @rc == 0, "error", "errors") and return @rc. */
int out_finish(int rc);

#endif /* HWPTCTL_OUT_H */
