/* Programs: buffers, kernels with their bindings, memory planning, text form. */
#include <stdlib.h>
#include <string.h>

#include "ir/kernel/program.h"

#define ALIGN 64

__tcc_keep struct tcc_program *tcc_program_new(__tcc_keep struct tcc_ctx *ctx, const char *name)
{
	struct tcc_program *p = tcc_arena_alloc(ctx->arena, sizeof(*p));

	if (!p || !(p->name = tcc_arena_strdup(ctx->arena, name ? name : "model"))) {
		tcc_ctx_oom(ctx, (struct tcc_loc){ .file = "<program>" });
		return NULL;
	}
	p->ctx = ctx;
	return p;
}

/* Arena array growth, with the out-of-memory report. */
static tcc_stat grow(struct tcc_ctx *ctx, void **arr, int n, int *cap, size_t size)
{
	if (tcc_arena_grow(ctx->arena, arr, n, cap, size) < 0)
		return tcc_ctx_oom(ctx, (struct tcc_loc){ .file = "<program>" });
	return 0;
}

__tcc_keep struct tcc_pbuf *tcc_program_add_buf(__tcc_keep struct tcc_program *prog,
						const char *name, enum tcc_pbuf_role role, int dtype,
						int32_t rank, const int64_t *dims)
{
	struct tcc_ctx *ctx = prog->ctx;
	struct tcc_pbuf *b;
	int64_t numel;

	if (grow(ctx, (void **)&prog->bufs, prog->nbufs, &prog->cap_bufs, sizeof(*prog->bufs)) < 0)
		return NULL;
	b = tcc_arena_alloc(ctx->arena, sizeof(*b));
	if (!b || !(b->name = tcc_arena_strdup(ctx->arena, name)))
		goto oom;
	if (rank > 0 && !(b->dims = tcc_arena_memdup(ctx->arena, dims, rank * sizeof(*dims))))
		goto oom;
	numel = tcc_shape_numel(rank, dims);
	if (numel < 0) {
		tcc_diag_error(ctx->diag, (struct tcc_loc){ .file = "<program>" },
			       "buffer '%s' has a bad shape", name);
		return NULL;
	}
	b->role = role;
	b->dtype = dtype;
	b->rank = rank;
	b->nbytes = (numel * tcc_dtype_bits(dtype) + 7) / 8;
	b->io_index = -1;
	b->offset = -1;
	prog->bufs[prog->nbufs++] = b;
	return b;
oom:
	tcc_ctx_oom(ctx, (struct tcc_loc){ .file = "<program>" });
	return NULL;
}

tcc_stat tcc_program_add_kernel(__tcc_keep struct tcc_program *prog,
				__tcc_keep struct tcc_kernel *k, const int *bind, struct tcc_loc loc)
{
	struct tcc_ctx *ctx = prog->ctx;
	struct tcc_pkernel *pk;

	if (grow(ctx, (void **)&prog->kernels, prog->nkernels, &prog->cap_kernels,
		 sizeof(*prog->kernels)) < 0)
		return -1;
	pk = &prog->kernels[prog->nkernels];
	pk->bind = tcc_arena_calloc(ctx->arena, (size_t)(k->nbufs ? k->nbufs : 1), sizeof(int));
	if (!pk->bind)
		return tcc_ctx_oom(ctx, loc);
	for (int i = 0; i < k->nbufs; i++) {
		if (bind[i] < 0 || bind[i] >= prog->nbufs) {
			tcc_diag_error(ctx->diag, loc, "kernel '%s' binds buffer %d to nothing",
				       k->name, i);
			return -1;
		}
		pk->bind[i] = bind[i];
	}
	pk->kernel = k;
	pk->schedule = NULL;
	pk->loc = loc;
	prog->nkernels++;
	return 0;
}

tcc_stat tcc_program_set_kernel(__tcc_keep struct tcc_program *prog, int i,
				__tcc_keep struct tcc_kernel *k, const int *bind)
{
	struct tcc_pkernel *pk = &prog->kernels[i];
	int *nb = tcc_arena_memdup(prog->ctx->arena, bind,
				   (size_t)(k->nbufs ? k->nbufs : 1) * sizeof(int));

	if (!nb)
		return tcc_ctx_oom(prog->ctx, pk->loc);
	pk->kernel = k;
	pk->bind = nb;
	pk->schedule = NULL;
	return 0;
}

void tcc_program_remove_kernel(__tcc_keep struct tcc_program *prog, int i)
{
	memmove(&prog->kernels[i], &prog->kernels[i + 1],
		(size_t)(prog->nkernels - i - 1) * sizeof(*prog->kernels));
	prog->nkernels--;
}

int tcc_program_remove_unused_bufs(__tcc_keep struct tcc_program *prog)
{
	int n = prog->nbufs, kept = 0;
	int *renum = malloc((size_t)(n ? n : 1) * sizeof(int));

	if (!renum)
		return tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = "<program>" });
	for (int b = 0; b < n; b++)
		renum[b] = prog->bufs[b]->role == TCC_PBUF_INPUT ||
			   prog->bufs[b]->role == TCC_PBUF_OUTPUT;
	for (int k = 0; k < prog->nkernels; k++)
		for (int i = 0; i < prog->kernels[k].kernel->nbufs; i++)
			renum[prog->kernels[k].bind[i]] = 1;
	for (int b = 0; b < n; b++) {
		int keep = renum[b];

		renum[b] = keep ? kept : -1;
		if (keep)
			prog->bufs[kept++] = prog->bufs[b];
	}
	prog->nbufs = kept;
	for (int k = 0; k < prog->nkernels; k++)
		for (int i = 0; i < prog->kernels[k].kernel->nbufs; i++)
			prog->kernels[k].bind[i] = renum[prog->kernels[k].bind[i]];
	free(renum);
	return n - kept;
}

/* ---- buffer uses ---- */

static int expr_reads(const struct tcc_kexpr *e, const struct tcc_pkernel *pk, int pb)
{
	if (!e)
		return 0;
	if (e->op == TCC_KOP_LOAD && pk->bind[e->u.buf->index] == pb)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (expr_reads(e->args[i], pk, pb))
			return 1;
	return 0;
}

int tcc_pkernel_access(__tcc_keep const struct tcc_pkernel *pk, int pb)
{
	const struct tcc_kernel *k = pk->kernel;
	int acc = 0, bound = 0;

	for (int i = 0; i < k->nbufs; i++)
		bound |= pk->bind[i] == pb;
	for (int j = 0; bound && j < k->nstmts; j++) {
		const struct tcc_kstmt *s = k->stmts[j];

		if (pk->bind[s->target->u.buf->index] == pb) {
			acc |= TCC_PACC_WRITE;
			if (s->update != TCC_KUPD_ASSIGN)
				acc |= TCC_PACC_READ;
			for (int a = 0; a < s->target->nargs; a++)
				if (expr_reads(s->target->args[a], pk, pb))
					acc |= TCC_PACC_READ;
		} else if (expr_reads(s->target, pk, pb)) {
			acc |= TCC_PACC_READ;
		}
		if (expr_reads(s->rhs, pk, pb))
			acc |= TCC_PACC_READ;
	}
	return acc;
}

/* ---- memory planning ---- */

/* A live block of the arena. */
struct block {
	int64_t off, size;
	int buf;
};

static int64_t align_up(int64_t x)
{
	return (x + ALIGN - 1) / ALIGN * ALIGN;
}

/* First fit among the gaps between the live blocks (kept sorted by offset). */
static int64_t place(struct block *live, int *nlive, int64_t size, int buf)
{
	int64_t off = 0;
	int at = *nlive;

	for (int i = 0; i < *nlive; i++) {
		if (live[i].off - off >= size) {
			at = i;
			break;
		}
		off = align_up(live[i].off + live[i].size);
	}
	memmove(&live[at + 1], &live[at], (size_t)(*nlive - at) * sizeof(*live));
	live[at] = (struct block){ off, size, buf };
	(*nlive)++;
	return off;
}

static void release(struct block *live, int *nlive, int buf)
{
	for (int i = 0; i < *nlive; i++)
		if (live[i].buf == buf) {
			memmove(&live[i], &live[i + 1], (size_t)(*nlive - i - 1) * sizeof(*live));
			(*nlive)--;
			return;
		}
}

/* first[b] / last[b]: the first and last kernel that uses temporary b (-1: unused). */
static void lifetimes(const struct tcc_program *prog, int *first, int *last)
{
	for (int b = 0; b < prog->nbufs; b++)
		first[b] = last[b] = -1;
	for (int k = 0; k < prog->nkernels; k++)
		for (int i = 0; i < prog->kernels[k].kernel->nbufs; i++) {
			int b = prog->kernels[k].bind[i];

			if (first[b] < 0)
				first[b] = k;
			last[b] = k;
		}
}

tcc_stat tcc_program_plan_memory(__tcc_keep struct tcc_program *prog)
{
	int n = prog->nbufs;
	int *first = malloc((size_t)(n ? n : 1) * sizeof(int));
	int *last = malloc((size_t)(n ? n : 1) * sizeof(int));
	struct block *live = malloc((size_t)(n ? n : 1) * sizeof(*live));
	int nlive = 0;
	int64_t top = 0;

	if (!first || !last || !live) {
		free(first), free(last), free(live);
		return tcc_ctx_oom(prog->ctx, (struct tcc_loc){ .file = "<program>" });
	}
	lifetimes(prog, first, last);
	for (int b = 0; b < n; b++)
		if (prog->bufs[b]->role == TCC_PBUF_TEMP)
			prog->bufs[b]->offset = first[b] < 0 ? 0 : -1;
	for (int k = 0; k < prog->nkernels; k++) {
		for (int b = 0; b < n; b++) {
			struct tcc_pbuf *p = prog->bufs[b];

			if (p->role != TCC_PBUF_TEMP || first[b] != k)
				continue;
			p->offset = place(live, &nlive, align_up(p->nbytes ? p->nbytes : 1), b);
			if (p->offset + p->nbytes > top)
				top = p->offset + p->nbytes;
		}
		for (int b = 0; b < n; b++)
			if (prog->bufs[b]->role == TCC_PBUF_TEMP && last[b] == k)
				release(live, &nlive, b);
	}
	prog->arena_size = align_up(top);
	free(first), free(last), free(live);
	return 0;
}

/* ---- text ---- */

static const char *role_name(enum tcc_pbuf_role r)
{
	switch (r) {
	case TCC_PBUF_INPUT: return "input";
	case TCC_PBUF_OUTPUT: return "output";
	case TCC_PBUF_CONST: return "const";
	case TCC_PBUF_TEMP: return "temp";
	}
	return "?";
}

static void print_buf(struct tcc_printer *p, int i, const struct tcc_pbuf *b)
{
	const char *dt = tcc_dtype_name(b->dtype);

	tcc_printer_fmt(p, "  b%d %s %s: %s[", i, role_name(b->role), b->name, dt ? dt : "?");
	for (int d = 0; d < b->rank; d++)
		tcc_printer_fmt(p, "%s%lld", d ? "," : "", (long long)b->dims[d]);
	tcc_printer_str(p, "]");
	if (b->role == TCC_PBUF_INPUT || b->role == TCC_PBUF_OUTPUT)
		tcc_printer_fmt(p, " io=%d", b->io_index);
	if (b->role == TCC_PBUF_TEMP)
		tcc_printer_fmt(p, " @%lld", (long long)b->offset);
	tcc_printer_fmt(p, " (%lld bytes)\n", (long long)b->nbytes);
}

void tcc_program_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_program *prog)
{
	tcc_printer_fmt(p, "program %s (arena %lld bytes) {\n", prog->name,
			(long long)prog->arena_size);
	for (int i = 0; i < prog->nbufs; i++)
		print_buf(p, i, prog->bufs[i]);
	for (int k = 0; k < prog->nkernels; k++) {
		const struct tcc_pkernel *pk = &prog->kernels[k];

		tcc_printer_str(p, "  # bind");
		for (int i = 0; i < pk->kernel->nbufs; i++)
			tcc_printer_fmt(p, " %s=b%d", pk->kernel->bufs[i]->name, pk->bind[i]);
		tcc_printer_str(p, "\n");
		tcc_kernel_print(p, pk->kernel);
	}
	tcc_printer_str(p, "}\n");
}
