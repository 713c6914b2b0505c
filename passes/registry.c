#include <string.h>

#include "passes/pass.h"

const struct tcc_pass *const tcc_passes[] = {
#define PASS(id) &tcc_pass_##id,
#include "passes/registry.def"
#undef PASS
	NULL,
};

__tcc_null const struct tcc_pass *tcc_pass_find(const char *name)
{
	for (int i = 0; tcc_passes[i]; i++)
		if (strcmp(tcc_passes[i]->name, name) == 0)
			return tcc_passes[i];
	return NULL;
}
