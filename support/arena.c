#include "support/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chain of blocks; "used" counts bytes of the current (first) block. Blocks larger than
 * the default size are linked behind the current one so the current block keeps filling. */
struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	_Alignas(64) unsigned char data[];
};

struct tcc_arena {
	struct arena_block *head;
	size_t total;
};

enum { ARENA_BLOCK_SIZE = 1 << 16 };

static size_t fail_countdown;

void tcc_arena_fail_after(size_t n)
{
	fail_countdown = n;
}

static int injected_failure(void)
{
	if (fail_countdown == 0)
		return 0;
	return --fail_countdown == 0;
}

__tcc_give struct tcc_arena *tcc_arena_new(void)
{
	return calloc(1, sizeof(struct tcc_arena));
}

void tcc_arena_free(__tcc_take struct tcc_arena *arena)
{
	if (!arena)
		return;
	for (struct arena_block *b = arena->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(arena);
}

static struct arena_block *new_block(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b) - 64)
		return NULL;
	b = aligned_alloc(64, (sizeof(*b) + size + 63) & ~(size_t)63);
	if (!b)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

static size_t align_for(size_t size)
{
	return size >= 64 ? 64 : 16;
}

__tcc_keep void *tcc_arena_alloc(__tcc_keep struct tcc_arena *arena, size_t size)
{
	struct arena_block *b;
	size_t align = align_for(size), start;

	if (!arena || injected_failure())
		return NULL;
	if (size == 0)
		size = 1;
	b = arena->head;
	if (b) {
		start = (b->used + align - 1) & ~(align - 1);
		if (start <= b->size && size <= b->size - start) {
			b->used = start + size;
			arena->total += size;
			memset(b->data + start, 0, size);
			return b->data + start;
		}
	}
	if (size > ARENA_BLOCK_SIZE / 4) {
		b = new_block(size);
		if (!b)
			return NULL;
		b->used = size;
		if (arena->head) {
			b->next = arena->head->next;
			arena->head->next = b;
		} else {
			arena->head = b;
		}
	} else {
		b = new_block(ARENA_BLOCK_SIZE);
		if (!b)
			return NULL;
		b->used = size;
		b->next = arena->head;
		arena->head = b;
	}
	arena->total += size;
	memset(b->data, 0, size);
	return b->data;
}

__tcc_keep void *tcc_arena_calloc(__tcc_keep struct tcc_arena *arena, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return tcc_arena_alloc(arena, n * size);
}

__tcc_keep void *tcc_arena_memdup(__tcc_keep struct tcc_arena *arena, const void *p, size_t n)
{
	void *q = tcc_arena_alloc(arena, n);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

__tcc_keep char *tcc_arena_strndup(__tcc_keep struct tcc_arena *arena, const char *s, size_t n)
{
	char *q;

	if (n == SIZE_MAX)
		return NULL;
	q = tcc_arena_alloc(arena, n + 1);
	if (q && n)
		memcpy(q, s, n);
	return q;
}

__tcc_keep char *tcc_arena_strdup(__tcc_keep struct tcc_arena *arena, const char *s)
{
	return s ? tcc_arena_strndup(arena, s, strlen(s)) : NULL;
}

__tcc_keep char *tcc_arena_printf(__tcc_keep struct tcc_arena *arena, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = tcc_arena_alloc(arena, (size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int tcc_arena_grow(__tcc_keep struct tcc_arena *arena, void **arr, int n, int *cap, size_t size)
{
	void *bigger;
	int ncap;

	if (n < *cap)
		return 0;
	if (*cap > INT32_MAX / 2)
		return -1;
	ncap = *cap ? 2 * *cap : 8;
	bigger = tcc_arena_calloc(arena, (size_t)ncap, size);
	if (!bigger)
		return -1;
	if (n)
		memcpy(bigger, *arr, (size_t)n * size);
	*arr = bigger;
	*cap = ncap;
	return 0;
}

size_t tcc_arena_used(__tcc_keep const struct tcc_arena *arena)
{
	return arena ? arena->total : 0;
}
