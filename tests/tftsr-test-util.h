/* tftsr-test-util.h: helpers shared by the GLib tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <tftsr.h>

#include "tftsr-store-private.h"

/* A raw key: the tests open many databases and PBKDF2 would cost 0.1 s each. */
#define TFTSR_TEST_KEY "x'00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'"

/* g_test_init plus a private temporary home: XDG_DATA_HOME, XDG_CONFIG_HOME,
 * XDG_CACHE_HOME and TFTSR_DB point into it, TFTSR_DB_KEY is set. Removed at exit. */
void tftsr_test_init (int *argc, char ***argv);
/* The temporary home of this test process. */
const char *tftsr_test_dir (void);
/* A fresh database path inside the temporary home ("name-N.db"). */
char *tftsr_test_db_path (const char *name);
/* Opens (creating) a store at @path with TFTSR_TEST_KEY, asserting success. */
TftsrStore *tftsr_test_open_store (const char *path);
/* A store in a new file. */
TftsrStore *tftsr_test_new_store (void);
/* Runs one SQL statement on a pooled connection and returns the first column of its
 * first row as text (NULL if none); asserts that it succeeds. */
char *tftsr_test_query (TftsrStore *store, const char *sql);
/* Iterates the default main context until @done returns TRUE (fails after 30 s). */
void tftsr_test_iterate_until (GSourceFunc done, gpointer data);
/* Reads a whole file, asserting success. */
GBytes *tftsr_test_read_file (const char *path);
/* Creates an incident with @title and returns it (asserting success). */
TftsrIssue *tftsr_test_create (TftsrStore *store, const char *title, const char *description);
/* A port with a bound socket that does not listen: connections to it are refused, and
 * nothing else can take the port while the socket is open. */
GSocket *tftsr_test_refusing_socket (guint *port);
