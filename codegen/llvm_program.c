/* The model entry of a planned program: kernels, constant data, the run function, the
 * exported descriptor "tcc_model_desc" (runtime ABI, runtime/tcc_rt.h) and the named entry
 * point "<model>_run" declared by the generated header.
 *
 * Only tcc_model_desc and the named entry have default visibility; constants, the run
 * function and the kernels defined here are internal to the object. With a split
 * (struct tcc_llvm_split), kernels that are identical up to buffer names call one
 * function, and kernels defined by other modules of the same .so are hidden external
 * symbols. The ABI structs are mirrored as LLVM struct types in field order; the target's
 * data layout then gives the C layout (check_compile reads the descriptor back through the
 * runtime). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/llvm_private.h"
#include "codegen/names.h"
#include "codegen/rt_abi.h"
#include "codegen/weights.h"
#include "ir/kernel/poly.h"

/* The state of one tcc_llvm_add_program: "t_*" are the mirrored ABI types, "consts" the
 * global of each CONST buffer (by program buffer index), "in_shapes"/"out_shapes" the shape
 * global of each input/output (by io_index; NULL for rank 0), "kfns" each kernel's function,
 * "run" the run function and "desc" the descriptor. All arrays are malloc'ed. "w" is the
 * external weights layout (borrowed; NULL: everything embedded): a CONST buffer with
 * w->offset[i] >= 0 has no global and is read at that offset from exec->weights.
 * "split" (borrowed; NULL: every kernel defined here) says which kernel functions are shared
 * and which other modules define. */
struct pgen {
	struct tcc_llvm *cg;
	struct tcc_program *prog;
	const struct tcc_weights *w;
	const struct tcc_llvm_split *split;
	LLVMTypeRef t_exec, t_tdesc, t_mdesc, t_tensor;
	LLVMValueRef *consts, *in_shapes, *out_shapes, *kfns;
	LLVMValueRef run, desc;
};

static LLVMTypeRef named_struct(struct tcc_llvm *cg, const char *name, LLVMTypeRef *fields,
				unsigned n)
{
	LLVMTypeRef t = LLVMGetTypeByName2(cg->lctx, name);

	if (t)
		return t;
	t = LLVMStructCreateNamed(cg->lctx, name);
	LLVMStructSetBody(t, fields, n, 0);
	return t;
}

/* Fields of struct tcc_rt_exec: the arena and the weights data section. */
#define EXEC_ARENA 2
#define EXEC_WEIGHTS 8
/* Fields of struct tcc_rt_model_desc. */
#define MDESC_FIELDS 14

/* struct tcc_rt_exec, tcc_rt_tensor_desc, tcc_rt_model_desc and tcc_tensor, field by field. */
static void make_types(struct pgen *g)
{
	struct tcc_llvm *cg = g->cg;
	LLVMTypeRef i32 = cg->t_i32, i64 = cg->t_i64, p = cg->t_ptr;
	LLVMTypeRef exec[] = { i32, i32, p, i64, p, p, p, p, p };
	LLVMTypeRef tdesc[] = { p, i32, i32, p };
	LLVMTypeRef mdesc[] = { i32, i32, p, i32, i32, p, p, i64, i64, i32, p, p, i64, i64 };
	LLVMTypeRef tensor[] = { p, p, i32, i32 };

	g->t_exec = named_struct(cg, "struct.tcc_rt_exec", exec, 9);
	g->t_tdesc = named_struct(cg, "struct.tcc_rt_tensor_desc", tdesc, 4);
	g->t_mdesc = named_struct(cg, "struct.tcc_rt_model_desc", mdesc, MDESC_FIELDS);
	g->t_tensor = named_struct(cg, "struct.tcc_tensor", tensor, 4);
}


/* LLVM struct "t" has the host C layout given by "off"/"n"/"size". */
static int same_layout(struct tcc_llvm *cg, LLVMTypeRef t, const size_t *off, unsigned n,
		       size_t size)
{
	if (LLVMCountStructElementTypes(t) != n || LLVMABISizeOfType(cg->td, t) != size)
		return 0;
	for (unsigned i = 0; i < n; i++)
		if (LLVMOffsetOfElement(cg->td, t, i) != off[i])
			return 0;
	return 1;
}

/* When the target's pointers are the host's, the mirrored structs must match the C ones
 * (a mismatch is a bug: runtime/tcc_rt.h changed without make_types). */
static void check_types(struct pgen *g)
{
	const struct tcc_rt_abi *a = &tcc_rt_abi;
	struct tcc_llvm *cg = g->cg;

	if (LLVMPointerSize(cg->td) != sizeof(void *))
		return;
	TCC_ASSERT(same_layout(cg, g->t_exec, a->exec_off, a->nexec, a->exec_size));
	TCC_ASSERT(same_layout(cg, g->t_tdesc, a->tdesc_off, a->ntdesc, a->tdesc_size));
	TCC_ASSERT(same_layout(cg, g->t_mdesc, a->mdesc_off, a->nmdesc, a->mdesc_size));
	TCC_ASSERT(same_layout(cg, g->t_tensor, a->tensor_off, a->ntensor, a->tensor_size));
}

/* A private, read-only, unnamed_addr global holding "init", aligned to "align". */
static LLVMValueRef private_const(struct tcc_llvm *cg, const char *name, LLVMValueRef init,
				  unsigned align)
{
	LLVMValueRef gv = LLVMAddGlobal(cg->mod, LLVMTypeOf(init), name);

	LLVMSetInitializer(gv, init);
	LLVMSetGlobalConstant(gv, 1);
	LLVMSetLinkage(gv, LLVMPrivateLinkage);
	LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);
	LLVMSetAlignment(gv, align);
	return gv;
}

static LLVMValueRef cstring(struct tcc_llvm *cg, const char *name, const char *s)
{
	LLVMValueRef init = LLVMConstStringInContext2(cg->lctx, s ? s : "", s ? strlen(s) : 0, 0);

	return private_const(cg, name, init, 1);
}

/* The global of CONST buffer "b" (program buffer "i"): its bytes, 64-byte aligned. */
static LLVMValueRef const_global(struct pgen *g, const struct tcc_pbuf *b, int i)
{
	struct tcc_loc loc = { .file = g->prog->name };
	char name[TCC_IDENT_MAX + 32], id[TCC_IDENT_MAX];
	LLVMValueRef init;

	if (!b->data || (!b->data->data && b->data->nbytes)) {
		tcc_diag_error(g->cg->ctx->diag, loc, "constant '%s' has no data", b->name);
		return NULL;
	}
	if ((int64_t)b->data->nbytes < b->nbytes) {
		tcc_diag_error(g->cg->ctx->diag, loc,
			       "constant '%s' holds %zu bytes, its buffer needs %lld", b->name,
			       b->data->nbytes, (long long)b->nbytes);
		return NULL;
	}
	tcc_c_ident(id, sizeof(id), b->name, "c");
	snprintf(name, sizeof(name), "tcc_const%d_%s", i, id);
	init = LLVMConstStringInContext2(g->cg->lctx, b->data->nbytes ? b->data->data : "",
					 (size_t)b->nbytes, 1);
	return private_const(g->cg, name, init, 64);
}

/* CONST buffer "i" lives in the weights file. */
static int is_external(const struct pgen *g, int i)
{
	return g->w && g->w->count && g->w->offset[i] >= 0;
}

static tcc_stat add_consts(struct pgen *g)
{
	for (int i = 0; i < g->prog->nbufs; i++) {
		if (g->prog->bufs[i]->role != TCC_PBUF_CONST || is_external(g, i))
			continue;
		g->consts[i] = const_global(g, g->prog->bufs[i], i);
		if (!g->consts[i])
			return -1;
	}
	return 0;
}

/* Kernel buffer "kb" may be bound to program buffer "pb": same dtype, no more bytes. */
static tcc_stat check_bind(struct pgen *g, const struct tcc_pkernel *pk,
			   const struct tcc_kbuf *kb, int bind)
{
	const struct tcc_pbuf *pb;
	int64_t bytes = tcc_llvm_dtype_size(kb->dtype);

	if (bind < 0 || bind >= g->prog->nbufs) {
		tcc_diag_error(g->cg->ctx->diag, pk->loc,
			       "kernel '%s': buffer '%s' bound to program buffer %d of %d",
			       pk->kernel->name, kb->name, bind, g->prog->nbufs);
		return -1;
	}
	pb = g->prog->bufs[bind];
	if (tcc_llvm_is_subbyte(kb->dtype))
		bytes = 1;
	for (int32_t d = 0; d < kb->rank; d++)
		bytes *= kb->dims[d];
	if (tcc_llvm_is_subbyte(kb->dtype))
		bytes = (bytes * tcc_dtype_bits(kb->dtype) + 7) / 8;
	if (pb->dtype != kb->dtype || bytes < 0 || bytes > pb->nbytes) {
		tcc_diag_error(g->cg->ctx->diag, pk->loc,
			       "kernel '%s': buffer '%s' (%s, %lld bytes) does not fit program "
			       "buffer '%s' (%s, %lld bytes)",
			       pk->kernel->name, kb->name, tcc_dtype_name(kb->dtype),
			       (long long)bytes, pb->name, tcc_dtype_name(pb->dtype),
			       (long long)pb->nbytes);
		return -1;
	}
	return 0;
}

/* The function of pk under "sym", from its schedule when a schedule pass set one. */
static tcc_stat add_kernel_fn(struct tcc_llvm *cg, const struct tcc_pkernel *pk, const char *sym)
{
	struct tcc_poly *poly;
	tcc_stat r;

	if (!pk->schedule)
		return tcc_llvm_add_kernel(cg, pk->kernel, sym);
	poly = tcc_poly_build(pk->kernel);
	if (!poly)
		return -1;
	r = tcc_poly_set_schedule_str(poly, pk->schedule);
	if (r == 0)
		r = tcc_llvm_add_kernel_poly(cg, poly, sym);
	tcc_poly_free(poly);
	return r;
}

/* The symbol of kernel "n": "tcc_k<n>_<name>". */
static void kernel_symbol(const struct tcc_program *prog, int n, char *sym, size_t size)
{
	char id[TCC_IDENT_MAX];

	tcc_c_ident(id, sizeof(id), prog->kernels[n].kernel->name, "kernel");
	snprintf(sym, size, "tcc_k%d_%s", n, id);
}

/* Define kernel "n" under its symbol in cg; the function, or NULL (reported). */
static LLVMValueRef define_kernel(struct tcc_llvm *cg, struct tcc_program *prog, int n)
{
	struct tcc_pkernel *pk = &prog->kernels[n];
	char sym[TCC_IDENT_MAX + 32];
	LLVMValueRef fn;

	kernel_symbol(prog, n, sym, sizeof(sym));
	if (add_kernel_fn(cg, pk, sym) < 0)
		return NULL;
	fn = tcc_llvm_get_kernel(cg, sym);
	if (!fn)
		tcc_diag_error(cg->ctx->diag, pk->loc, "kernel '%s': no function '%s'",
			       pk->kernel->name, sym);
	return fn;
}

/* A declaration of kernel "n", defined (hidden) by another module of the same .so. */
static LLVMValueRef declare_kernel(struct tcc_llvm *cg, struct tcc_program *prog, int n)
{
	char sym[TCC_IDENT_MAX + 32];
	LLVMValueRef fn;

	kernel_symbol(prog, n, sym, sizeof(sym));
	fn = LLVMAddFunction(cg->mod, sym,
			     tcc_llvm_kernel_fn_type(cg, prog->kernels[n].kernel->nbufs));
	LLVMSetLinkage(fn, LLVMExternalLinkage);
	LLVMSetVisibility(fn, LLVMHiddenVisibility);
	return fn;
}

/* The function kernel "n" calls: the one of its representative (an earlier kernel, already
 * added) when it shares one, a declaration when another module defines it, else a new
 * internal function "tcc_k<n>_<name>". */
static tcc_stat add_kernel(struct pgen *g, int n)
{
	struct tcc_pkernel *pk = &g->prog->kernels[n];
	int rep = g->split ? g->split->rep[n] : n;

	for (int i = 0; i < pk->kernel->nbufs; i++)
		if (check_bind(g, pk, pk->kernel->bufs[i], pk->bind[i]) < 0)
			return -1;
	if (rep != n) {
		TCC_ASSERT(rep >= 0 && rep < n && g->kfns[rep]);
		g->kfns[n] = g->kfns[rep];
		return 0;
	}
	if (g->split && !g->split->local[n]) {
		g->kfns[n] = declare_kernel(g->cg, g->prog, n);
		return 0;
	}
	g->kfns[n] = define_kernel(g->cg, g->prog, n);
	if (!g->kfns[n])
		return -1;
	LLVMSetLinkage(g->kfns[n], LLVMInternalLinkage);
	return 0;
}

tcc_stat tcc_llvm_add_kernel_hidden(__tcc_keep struct tcc_llvm *cg,
				    __tcc_keep struct tcc_program *prog, int n)
{
	LLVMValueRef fn = define_kernel(cg, prog, n);

	if (!fn)
		return -1;
	LLVMSetLinkage(fn, LLVMExternalLinkage);
	LLVMSetVisibility(fn, LLVMHiddenVisibility);
	return 0;
}

/* The pointer of every program buffer, computed at the run function's entry ("ptrs"). */
static void buffer_ptrs(struct pgen *g, LLVMValueRef *ptrs)
{
	struct tcc_llvm *cg = g->cg;
	LLVMValueRef ex = LLVMGetParam(g->run, 0), arena, slot, off, wts = NULL;

	slot = LLVMBuildStructGEP2(cg->b, g->t_exec, ex, EXEC_ARENA, "arena.addr");
	arena = LLVMBuildLoad2(cg->b, cg->t_ptr, slot, "arena");
	if (g->w && g->w->count) {
		slot = LLVMBuildStructGEP2(cg->b, g->t_exec, ex, EXEC_WEIGHTS, "weights.addr");
		wts = LLVMBuildLoad2(cg->b, cg->t_ptr, slot, "weights");
	}
	for (int i = 0; i < g->prog->nbufs; i++) {
		const struct tcc_pbuf *b = g->prog->bufs[i];
		LLVMValueRef io;

		switch (b->role) {
		case TCC_PBUF_INPUT:
		case TCC_PBUF_OUTPUT:
			io = LLVMGetParam(g->run, b->role == TCC_PBUF_INPUT ? 1 : 2);
			off = LLVMConstInt(cg->t_i64, (unsigned long long)b->io_index, 0);
			slot = LLVMBuildInBoundsGEP2(cg->b, cg->t_ptr, io, &off, 1, "");
			ptrs[i] = LLVMBuildLoad2(cg->b, cg->t_ptr, slot, b->name);
			break;
		case TCC_PBUF_CONST:
			if (!is_external(g, i)) {
				ptrs[i] = g->consts[i];
				break;
			}
			off = LLVMConstInt(cg->t_i64, (unsigned long long)g->w->offset[i], 0);
			ptrs[i] = LLVMBuildInBoundsGEP2(cg->b, cg->t_i8, wts, &off, 1, b->name);
			break;
		case TCC_PBUF_TEMP:
			off = LLVMConstInt(cg->t_i64, (unsigned long long)b->offset, 0);
			ptrs[i] = LLVMBuildGEP2(cg->b, cg->t_i8, arena, &off, 1, b->name);
			break;
		}
	}
}

/* int tcc_model_run_impl(struct tcc_rt_exec *ex, void *const *in, void *const *out):
 * the kernels in order, then 0. */
static tcc_stat add_run(struct pgen *g)
{
	struct tcc_llvm *cg = g->cg;
	LLVMTypeRef params[] = { cg->t_ptr, cg->t_ptr, cg->t_ptr };
	LLVMTypeRef fty = LLVMFunctionType(cg->t_i32, params, 3, 0);
	LLVMValueRef *ptrs = calloc((size_t)g->prog->nbufs + 1, sizeof(*ptrs)), *args = NULL;
	int maxb = 0;

	for (int k = 0; k < g->prog->nkernels; k++)
		maxb = maxb > g->prog->kernels[k].kernel->nbufs ? maxb
								: g->prog->kernels[k].kernel->nbufs;
	args = calloc((size_t)maxb + 1, sizeof(*args));
	if (!ptrs || !args) {
		free(ptrs);
		free(args);
		return tcc_ctx_oom(cg->ctx, (struct tcc_loc){ .file = g->prog->name });
	}
	g->run = LLVMAddFunction(cg->mod, "tcc_model_run_impl", fty);
	LLVMSetLinkage(g->run, LLVMInternalLinkage);
	tcc_llvm_set_fn_attrs(cg, g->run);
	LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->lctx, g->run, "entry"));
	buffer_ptrs(g, ptrs);
	for (int k = 0; k < g->prog->nkernels; k++) {
		const struct tcc_pkernel *pk = &g->prog->kernels[k];

		args[0] = LLVMGetParam(g->run, 0);
		for (int i = 0; i < pk->kernel->nbufs; i++)
			args[i + 1] = ptrs[pk->bind[i]];
		LLVMBuildCall2(cg->b, tcc_llvm_kernel_fn_type(cg, pk->kernel->nbufs), g->kfns[k],
			       args, (unsigned)pk->kernel->nbufs + 1, "");
	}
	LLVMBuildRet(cg->b, LLVMConstInt(cg->t_i32, 0, 0));
	free(ptrs);
	free(args);
	return 0;
}

/* The shape global of "b" ([rank x i64]; NULL for rank 0). */
static LLVMValueRef shape_global(struct pgen *g, const struct tcc_pbuf *b, const char *kind,
				 int i)
{
	struct tcc_llvm *cg = g->cg;
	LLVMValueRef *dims, init;
	char name[64];

	if (b->rank == 0)
		return LLVMConstNull(cg->t_ptr);
	dims = calloc((size_t)b->rank, sizeof(*dims));
	if (!dims)
		return NULL;
	for (int32_t d = 0; d < b->rank; d++)
		dims[d] = LLVMConstInt(cg->t_i64, (unsigned long long)b->dims[d], 1);
	init = LLVMConstArray2(cg->t_i64, dims, (uint64_t)b->rank);
	free(dims);
	snprintf(name, sizeof(name), "tcc_%s%d_shape", kind, i);
	return private_const(cg, name, init, 8);
}

/* The array of tensor descriptors of the inputs or outputs ("out"); fills "shapes". */
static LLVMValueRef tensor_descs(struct pgen *g, int out, LLVMValueRef *shapes)
{
	struct tcc_llvm *cg = g->cg;
	int n = out ? g->prog->noutputs : g->prog->ninputs;
	const char *kind = out ? "output" : "input";
	LLVMValueRef *elems = calloc((size_t)n + 1, sizeof(*elems)), arr = NULL;
	char name[64];

	for (int i = 0; elems && i < n; i++) {
		const struct tcc_pbuf *b = tcc_program_io_buf(
			g->prog, out ? TCC_PBUF_OUTPUT : TCC_PBUF_INPUT, i);
		LLVMValueRef f[4];

		if (!b) {
			tcc_diag_error(cg->ctx->diag, (struct tcc_loc){ .file = g->prog->name },
				       "program has no %s %d", kind, i);
			goto out;
		}
		snprintf(name, sizeof(name), "tcc_%s%d_name", kind, i);
		shapes[i] = shape_global(g, b, kind, i);
		if (!shapes[i])
			goto out;
		f[0] = cstring(cg, name, b->name);
		f[1] = LLVMConstInt(cg->t_i32, (unsigned long long)b->dtype, 1);
		f[2] = LLVMConstInt(cg->t_i32, (unsigned long long)b->rank, 1);
		f[3] = shapes[i];
		elems[i] = LLVMConstNamedStruct(g->t_tdesc, f, 4);
	}
	if (!elems) {
		tcc_ctx_oom(cg->ctx, (struct tcc_loc){ .file = g->prog->name });
		goto out;
	}
	snprintf(name, sizeof(name), "tcc_%ss", kind);
	arr = n ? private_const(cg, name, LLVMConstArray2(g->t_tdesc, elems, (uint64_t)n), 8)
		: LLVMConstNull(cg->t_ptr);
out:
	free(elems);
	return arr;
}

/* The exported, constant struct tcc_rt_model_desc "tcc_model_desc". */
static tcc_stat add_desc(struct pgen *g)
{
	struct tcc_llvm *cg = g->cg;
	const struct tcc_weights *w = g->w && g->w->count ? g->w : NULL;
	LLVMValueRef f[MDESC_FIELDS], ins, outs;

	ins = tensor_descs(g, 0, g->in_shapes);
	outs = ins ? tensor_descs(g, 1, g->out_shapes) : NULL;
	if (!ins || !outs)
		return -1;
	f[0] = LLVMConstInt(cg->t_i32, tcc_rt_abi.magic, 0);
	f[1] = LLVMConstInt(cg->t_i32, tcc_rt_abi.version, 0);
	f[2] = cstring(cg, "tcc_model_name", g->prog->name ? g->prog->name : "model");
	f[3] = LLVMConstInt(cg->t_i32, (unsigned long long)g->prog->ninputs, 1);
	f[4] = LLVMConstInt(cg->t_i32, (unsigned long long)g->prog->noutputs, 1);
	f[5] = ins;
	f[6] = outs;
	f[7] = LLVMConstInt(cg->t_i64, (unsigned long long)g->prog->arena_size, 0);
	f[8] = LLVMConstInt(cg->t_i64, 64, 0);
	f[9] = LLVMConstInt(cg->t_i32, 0, 0);
	f[10] = g->run;
	f[11] = w ? cstring(cg, "tcc_weights_file", w->file_name) : LLVMConstNull(cg->t_ptr);
	f[12] = LLVMConstInt(cg->t_i64, w ? w->file_size : 0, 0);
	f[13] = LLVMConstInt(cg->t_i64, w ? w->hash : 0, 0);
	g->desc = LLVMAddGlobal(cg->mod, g->t_mdesc, tcc_rt_abi.desc_symbol);
	LLVMSetInitializer(g->desc, LLVMConstNamedStruct(g->t_mdesc, f, MDESC_FIELDS));
	LLVMSetGlobalConstant(g->desc, 1);
	LLVMSetAlignment(g->desc, 8);
	return 0;
}

/* A declaration of runtime function "name" (linked into the same .so, hidden there). */
static LLVMValueRef rt_fn(struct tcc_llvm *cg, const char *name, LLVMTypeRef ret,
			  LLVMTypeRef *params, unsigned n, LLVMTypeRef *fty)
{
	LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, name);

	*fty = LLVMFunctionType(ret, params, n, 0);
	if (!fn)
		fn = LLVMAddFunction(cg->mod, name, *fty);
	return fn;
}

/* The cached instance "inst", or a new one published with cmpxchg (a loser frees its own).
 * On failure returns the status from the current block. */
static LLVMValueRef get_instance(struct pgen *g, LLVMValueRef fn, LLVMValueRef inst)
{
	struct tcc_llvm *cg = g->cg;
	LLVMTypeRef size_t_ty = LLVMIntPtrTypeInContext(cg->lctx, cg->td), fty;
	LLVMTypeRef cp[] = { cg->t_ptr, cg->t_ptr, cg->t_ptr, size_t_ty };
	LLVMValueRef create = rt_fn(cg, "tcc_model_from_desc_ex", cg->t_i32, cp, 4, &fty);
	LLVMBasicBlockRef entry = LLVMGetInsertBlock(cg->b);
	LLVMBasicBlockRef bb_new = LLVMAppendBasicBlockInContext(cg->lctx, fn, "create");
	LLVMBasicBlockRef bb_fail = LLVMAppendBasicBlockInContext(cg->lctx, fn, "fail");
	LLVMBasicBlockRef bb_pub = LLVMAppendBasicBlockInContext(cg->lctx, fn, "publish");
	LLVMBasicBlockRef bb_lost = LLVMAppendBasicBlockInContext(cg->lctx, fn, "lost");
	LLVMBasicBlockRef bb_run = LLVMAppendBasicBlockInContext(cg->lctx, fn, "run");
	LLVMValueRef null = LLVMConstNull(cg->t_ptr), m, slot, st, args[4], pair, phi;
	LLVMValueRef vals[3];
	LLVMBasicBlockRef from[3];

	slot = LLVMBuildAlloca(cg->b, cg->t_ptr, "slot");
	m = LLVMBuildLoad2(cg->b, cg->t_ptr, inst, "m");
	LLVMSetOrdering(m, LLVMAtomicOrderingAcquire);
	LLVMSetAlignment(m, 8);
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, m, null, ""), bb_new, bb_run);

	LLVMPositionBuilderAtEnd(cg->b, bb_new);
	args[0] = g->desc;
	args[1] = slot;
	args[2] = null;
	args[3] = LLVMConstInt(size_t_ty, 0, 0);
	st = LLVMBuildCall2(cg->b, fty, create, args, 4, "st");
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntNE, st, LLVMConstInt(cg->t_i32, 0, 0),
					     ""), bb_fail, bb_pub);
	LLVMPositionBuilderAtEnd(cg->b, bb_fail);
	LLVMBuildRet(cg->b, st);

	LLVMPositionBuilderAtEnd(cg->b, bb_pub);
	vals[1] = LLVMBuildLoad2(cg->b, cg->t_ptr, slot, "new");
	pair = LLVMBuildAtomicCmpXchg(cg->b, inst, null, vals[1], LLVMAtomicOrderingAcquireRelease,
				      LLVMAtomicOrderingAcquire, 0);
	LLVMBuildCondBr(cg->b, LLVMBuildExtractValue(cg->b, pair, 1, "won"), bb_run, bb_lost);

	LLVMPositionBuilderAtEnd(cg->b, bb_lost);
	args[0] = vals[1];
	LLVMBuildCall2(cg->b, LLVMFunctionType(cg->t_ptr, cp, 1, 0),
		       rt_fn(cg, "tcc_model_free", cg->t_ptr, cp, 1, &fty), args, 1, "");
	vals[2] = LLVMBuildExtractValue(cg->b, pair, 0, "other");
	LLVMBuildBr(cg->b, bb_run);

	LLVMPositionBuilderAtEnd(cg->b, bb_run);
	phi = LLVMBuildPhi(cg->b, cg->t_ptr, "inst");
	vals[0] = m;
	from[0] = entry;
	from[1] = bb_pub;
	from[2] = bb_lost;
	LLVMAddIncoming(phi, vals, from, 3);
	return phi;
}

/* An alloca'd array of tcc_tensor for the inputs or outputs ("out"), from the parameters
 * of "fn" starting at "first"; a null pointer when there are none. */
static LLVMValueRef tensor_array(struct pgen *g, LLVMValueRef fn, int out, int first)
{
	struct tcc_llvm *cg = g->cg;
	int n = out ? g->prog->noutputs : g->prog->ninputs;
	LLVMValueRef arr, f, *shapes = out ? g->out_shapes : g->in_shapes;

	if (!n)
		return LLVMConstNull(cg->t_ptr);
	arr = LLVMBuildArrayAlloca(cg->b, g->t_tensor, LLVMConstInt(cg->t_i32, (unsigned)n, 0),
				   out ? "outs" : "ins");
	for (int i = 0; i < n; i++) {
		const struct tcc_pbuf *b = tcc_program_io_buf(
			g->prog, out ? TCC_PBUF_OUTPUT : TCC_PBUF_INPUT, i);
		LLVMValueRef idx[2] = { LLVMConstInt(cg->t_i32, (unsigned)i, 0), NULL };
		LLVMValueRef vals[4] = {
			LLVMGetParam(fn, (unsigned)(first + i)), shapes[i],
			LLVMConstInt(cg->t_i32, (unsigned long long)b->rank, 1),
			LLVMConstInt(cg->t_i32, (unsigned long long)b->dtype, 1),
		};

		for (unsigned k = 0; k < 4; k++) {
			idx[1] = LLVMConstInt(cg->t_i32, k, 0);
			f = LLVMBuildInBoundsGEP2(cg->b, g->t_tensor, arr, idx, 2, "");
			LLVMBuildStore(cg->b, vals[k], f);
		}
	}
	return arr;
}

/* void fini(void): frees the cached instance when the .so is unloaded (llvm.global_dtors). */
static void add_fini(struct pgen *g, LLVMValueRef inst)
{
	struct tcc_llvm *cg = g->cg;
	LLVMTypeRef p = cg->t_ptr, fty, ety[] = { cg->t_i32, p, p };
	LLVMValueRef fn, m, fr, arg, entry[3], dtors;
	LLVMTypeRef t_entry = LLVMStructTypeInContext(cg->lctx, ety, 3, 0);

	fn = LLVMAddFunction(cg->mod, "tcc_named_fini", LLVMFunctionType(cg->t_void, NULL, 0, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	tcc_llvm_set_fn_attrs(cg, fn);
	LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->lctx, fn, "entry"));
	m = LLVMBuildAtomicRMW(cg->b, LLVMAtomicRMWBinOpXchg, inst, LLVMConstNull(p),
			       LLVMAtomicOrderingAcquireRelease, 0);
	fr = rt_fn(cg, "tcc_model_free", p, &p, 1, &fty);
	arg = m;
	LLVMBuildCall2(cg->b, fty, fr, &arg, 1, "");
	LLVMBuildRetVoid(cg->b);

	entry[0] = LLVMConstInt(cg->t_i32, 65535, 0);
	entry[1] = fn;
	entry[2] = LLVMConstNull(p);
	arg = LLVMConstStructInContext(cg->lctx, entry, 3, 0);
	dtors = LLVMAddGlobal(cg->mod, LLVMArrayType2(t_entry, 1), "llvm.global_dtors");
	LLVMSetLinkage(dtors, LLVMAppendingLinkage);
	LLVMSetInitializer(dtors, LLVMConstArray2(t_entry, &arg, 1));
}

/* int <model>_run(in0, ..., out0, ...): runs the model on a lazily created instance. */
static tcc_stat add_entry(struct pgen *g)
{
	struct tcc_llvm *cg = g->cg;
	int n = g->prog->ninputs + g->prog->noutputs;
	LLVMTypeRef *params = calloc((size_t)n + 1, sizeof(*params)), fty, rp[5];
	LLVMValueRef fn, inst, ins, outs, m, args[5], run;
	char name[TCC_IDENT_MAX + 8];

	if (!params)
		return tcc_ctx_oom(cg->ctx, (struct tcc_loc){ .file = g->prog->name });
	for (int i = 0; i < n; i++)
		params[i] = cg->t_ptr;
	tcc_entry_name(name, sizeof(name), g->prog);
	fn = LLVMAddFunction(cg->mod, name, LLVMFunctionType(cg->t_i32, params, (unsigned)n, 0));
	free(params);
	tcc_llvm_set_fn_attrs(cg, fn);
	inst = LLVMAddGlobal(cg->mod, cg->t_ptr, "tcc_named_instance");
	LLVMSetInitializer(inst, LLVMConstNull(cg->t_ptr));
	LLVMSetLinkage(inst, LLVMInternalLinkage);
	LLVMSetAlignment(inst, 8);

	LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->lctx, fn, "entry"));
	ins = tensor_array(g, fn, 0, 0);
	outs = tensor_array(g, fn, 1, g->prog->ninputs);
	m = get_instance(g, fn, inst);
	rp[0] = rp[1] = rp[3] = cg->t_ptr;
	rp[2] = rp[4] = cg->t_i32;
	run = rt_fn(cg, "tcc_model_run", cg->t_i32, rp, 5, &fty);
	args[0] = m;
	args[1] = ins;
	args[2] = LLVMConstInt(cg->t_i32, (unsigned)g->prog->ninputs, 0);
	args[3] = outs;
	args[4] = LLVMConstInt(cg->t_i32, (unsigned)g->prog->noutputs, 0);
	LLVMBuildRet(cg->b, LLVMBuildCall2(cg->b, fty, run, args, 5, "st"));
	add_fini(g, inst);
	return 0;
}

static void pgen_free(struct pgen *g)
{
	free(g->consts);
	free(g->in_shapes);
	free(g->out_shapes);
	free(g->kfns);
}

tcc_stat tcc_llvm_add_program(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_program *prog)
{
	return tcc_llvm_add_program_weights(cg, prog, NULL);
}

tcc_stat tcc_llvm_add_program_weights(__tcc_keep struct tcc_llvm *cg,
				      __tcc_keep struct tcc_program *prog,
				      __tcc_null const struct tcc_weights *w)
{
	return tcc_llvm_add_program_split(cg, prog, w, NULL);
}

tcc_stat tcc_llvm_add_program_split(__tcc_keep struct tcc_llvm *cg,
				    __tcc_keep struct tcc_program *prog,
				    __tcc_null const struct tcc_weights *w,
				    __tcc_null const struct tcc_llvm_split *split)
{
	struct pgen g = { .cg = cg, .prog = prog, .w = w, .split = split };
	tcc_stat st = -1;

	g.consts = calloc((size_t)prog->nbufs + 1, sizeof(*g.consts));
	g.in_shapes = calloc((size_t)prog->ninputs + 1, sizeof(*g.in_shapes));
	g.out_shapes = calloc((size_t)prog->noutputs + 1, sizeof(*g.out_shapes));
	g.kfns = calloc((size_t)prog->nkernels + 1, sizeof(*g.kfns));
	if (!g.consts || !g.in_shapes || !g.out_shapes || !g.kfns) {
		tcc_ctx_oom(cg->ctx, (struct tcc_loc){ .file = prog->name });
		goto out;
	}
	make_types(&g);
	check_types(&g);
	if (add_consts(&g) < 0)
		goto out;
	for (int k = 0; k < prog->nkernels; k++)
		if (add_kernel(&g, k) < 0)
			goto out;
	if (add_run(&g) < 0 || add_desc(&g) < 0 || add_entry(&g) < 0)
		goto out;
	st = 0;
out:
	pgen_free(&g);
	return st;
}
