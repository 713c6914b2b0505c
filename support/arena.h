/* A bump allocator. Everything in a graph (nodes, values, strings, tensor data) lives in
 * one arena and is freed with it. Large requests get their own block. */
#ifndef TCC_SUPPORT_ARENA_H
#define TCC_SUPPORT_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "support/own.h"

struct tcc_arena;

__tcc_give struct tcc_arena *tcc_arena_new(void);
void tcc_arena_free(__tcc_take struct tcc_arena *arena);

/* Zeroed memory, 16-byte aligned (64-byte aligned when size >= 64). Returns NULL only when
 * the system is out of memory or size overflows. */
__tcc_keep void *tcc_arena_alloc(__tcc_keep struct tcc_arena *arena, size_t size);
/* n * size bytes with overflow checking. */
__tcc_keep void *tcc_arena_calloc(__tcc_keep struct tcc_arena *arena, size_t n, size_t size);
__tcc_keep char *tcc_arena_strdup(__tcc_keep struct tcc_arena *arena, const char *s);
__tcc_keep char *tcc_arena_strndup(__tcc_keep struct tcc_arena *arena, const char *s, size_t n);
__tcc_keep void *tcc_arena_memdup(__tcc_keep struct tcc_arena *arena, const void *p, size_t n);
__tcc_keep char *tcc_arena_printf(__tcc_keep struct tcc_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Make room for element n of an arena array "*arr" of "size"-byte elements with capacity
 * "*cap" (doubling; the old storage stays in the arena). -1 when out of memory (not
 * reported: the caller knows where). */
int tcc_arena_grow(__tcc_keep struct tcc_arena *arena, void **arr, int n, int *cap, size_t size);

/* Test hook: make the Nth allocation from now on fail (0 disables). */
void tcc_arena_fail_after(size_t n);

/* Total bytes handed out by this arena. */
size_t tcc_arena_used(__tcc_keep const struct tcc_arena *arena);

#endif
