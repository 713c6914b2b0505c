/* One tcc_ctx per compilation: it owns the arena every IR object comes from and the
 * diagnostic sink. Objects must not move between contexts. */
#ifndef TCC_SUPPORT_CTX_H
#define TCC_SUPPORT_CTX_H

#include "support/arena.h"
#include "support/diag.h"
#include "support/own.h"

/* Return conventions (ISL style): tcc_stat is -1 (error) or 0; tcc_bool is -1/0/1. */
typedef int tcc_stat;
typedef int tcc_bool;

/* "arena" holds every IR object; "diag" collects errors. */
struct tcc_ctx {
	struct tcc_arena *arena;
	struct tcc_diag *diag;
};

__tcc_give struct tcc_ctx *tcc_ctx_new(void);
void tcc_ctx_free(__tcc_take struct tcc_ctx *ctx);

/* Report "out of memory" at loc and return -1 (for use as `return tcc_ctx_oom(ctx, loc);`). */
tcc_stat tcc_ctx_oom(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc);

#endif
