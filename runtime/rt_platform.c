/* Default platform hooks (posix_memalign/free) and the setter a host uses to replace them. */
#include <stdlib.h>

#include "rt_private.h"

static void *default_alloc(size_t size, size_t align, void *user)
{
	void *p = NULL;

	(void)user;
	if (posix_memalign(&p, align, size ? size : 1) != 0)
		return NULL;
	return p;
}

static void default_free(void *ptr, void *user)
{
	(void)user;
	free(ptr);
}

static struct tcc_rt_platform platform = { default_alloc, default_free, NULL };

int tcc_rt_set_platform(const struct tcc_rt_platform *pf)
{
	if (!pf) {
		platform = (struct tcc_rt_platform){ default_alloc, default_free, NULL };
		return TCC_RT_OK;
	}
	if (!pf->alloc || !pf->free)
		return TCC_RT_ERR_NULL_ARG;
	platform = *pf;
	return TCC_RT_OK;
}

void tcc_rt_get_platform(struct tcc_rt_platform *pf)
{
	if (pf)
		*pf = platform;
}

void *tcc_rt_platform_alloc(const struct tcc_rt_platform *pf, size_t size, size_t align)
{
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (align & (align - 1))
		return NULL;
	return pf->alloc(size, align, pf->user);
}

void tcc_rt_platform_free(const struct tcc_rt_platform *pf, void *ptr)
{
	if (ptr)
		pf->free(ptr, pf->user);
}
