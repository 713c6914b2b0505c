/* Platform hooks: the runtime's only way to get memory. A host that manages memory itself
 * (a pool, a NUMA allocator, a fault injector in tests) installs its own functions with
 * tcc_rt_set_platform() before it creates model instances. Each instance copies the hooks at
 * creation and frees with the same ones, so changing them later never mixes allocators.
 *
 * "alloc" returns "size" bytes aligned to "align" (a power of two, >= sizeof(void *)), or NULL;
 * it must not abort. "free" releases a block from "alloc" (never called with NULL). "user" is
 * passed to both.
 */
#ifndef TCC_RT_PLATFORM_H
#define TCC_RT_PLATFORM_H

#include <stddef.h>

#include "rt_own.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tcc_rt_platform {
	void *(*alloc)(size_t size, size_t align, void *user);
	void (*free)(void *ptr, void *user);
	void *user;
};

/* Install hooks (both functions non-NULL), or restore the defaults (posix_memalign/free) with
 * NULL. Not thread-safe: call it before creating instances. Returns a status. */
int tcc_rt_set_platform(__tcc_keep __tcc_null const struct tcc_rt_platform *platform);
/* The hooks now in effect. */
void tcc_rt_get_platform(struct tcc_rt_platform *platform);

/* Allocate/free through a given set of hooks; the runtime's internal entry points. */
__tcc_give __tcc_null void *tcc_rt_platform_alloc(__tcc_keep const struct tcc_rt_platform *pf,
						  size_t size, size_t align);
void tcc_rt_platform_free(__tcc_keep const struct tcc_rt_platform *pf,
			  __tcc_take __tcc_null void *ptr);

#ifdef __cplusplus
}
#endif

#endif
