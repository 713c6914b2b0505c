/* A for loop under a "parallel" mark runs on the runtime's thread pool. The loop
 * `for (it = init; it < ub; it += stride) BODY` (ub exclusive, stride a positive constant)
 * becomes
 *
 *     struct { ptr ex; ptr b0..bN-1; i64 init; i64 v0..vM-1 } ctx = {...};
 *     tcc_rt_parallel_for(ex, n = ceil((ub - init) / stride), K.par, &ctx);
 *
 * where v0..vM-1 are the values of every enclosing AST iterator in scope. K.par(ctx, begin,
 * end) loads them and calls K.par.body(ex, b0.., init, v0.., begin, end), whose buffer
 * parameters are noalias as the kernel's own (the inliner turns them into alias scopes), and
 * which runs it = init + stride * t for t in [begin, end) with the normal AST codegen
 * (nested loops and marks included; a nested parallel loop calls tcc_rt_parallel_for again,
 * which the runtime runs serially). Loops of another shape run serially. */
#include <stdlib.h>
#include <string.h>

#include "codegen/llvm_private.h"

/* The captured values in order: ex, buffers, init, iterators. */
struct capture {
	int n;
	LLVMValueRef *vals;
	LLVMTypeRef *types;
};

static tcc_stat capture_new(struct tcc_kgen *g, LLVMValueRef init, struct capture *c)
{
	int nb = g->k->nbufs, i = 0;

	c->n = 2 + nb + g->nids;
	c->vals = calloc((size_t)c->n, sizeof(*c->vals));
	c->types = calloc((size_t)c->n, sizeof(*c->types));
	if (!c->vals || !c->types)
		return tcc_ctx_oom(g->cg->ctx, g->k->loc);
	c->vals[i++] = g->ex;
	for (int b = 0; b < nb; b++)
		c->vals[i++] = g->bufs[b];
	c->vals[i++] = init;
	for (int v = 0; v < g->nids; v++)
		c->vals[i++] = g->vals[v];
	for (i = 0; i < c->n; i++)
		c->types[i] = i <= nb ? g->cg->t_ptr : g->cg->t_i64;
	return 0;
}

static void capture_free(struct capture *c)
{
	free(c->vals);
	free(c->types);
}

/* An internal function "name" of type "fty" with the kernel's attributes. */
static LLVMValueRef add_fn(struct tcc_kgen *g, const char *suffix, LLVMTypeRef fty)
{
	size_t len;
	const char *base = LLVMGetValueName2(g->fn, &len);
	char name[256];
	LLVMValueRef fn;

	snprintf(name, sizeof(name), "%.*s%s", (int)(len < 200 ? len : 200), base, suffix);
	fn = LLVMAddFunction(g->cg->mod, name, fty);
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	tcc_llvm_set_fn_attrs(g->cg, fn);
	return fn;
}

static void add_noalias(struct tcc_llvm *cg, LLVMValueRef fn, unsigned param)
{
	static const char *const names[] = { "noalias", "nocapture" };

	for (int i = 0; i < 2; i++) {
		unsigned kind = LLVMGetEnumAttributeKindForName(names[i], strlen(names[i]));

		LLVMAddAttributeAtIndex(fn, param + 1, LLVMCreateEnumAttribute(cg->lctx, kind, 0));
	}
}

/* for (t = begin; t < end; t++) { it = init + stride * t; BODY } in "sub". */
static tcc_stat chunk_loop(struct tcc_kgen *sub, __isl_keep isl_ast_node *node, LLVMValueRef init,
			   int64_t stride, LLVMValueRef begin, LLVMValueRef end)
{
	struct tcc_llvm *cg = sub->cg;
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(cg->b), head = tcc_kgen_block(sub, "ploop");
	LLVMBasicBlockRef body = tcc_kgen_block(sub, "pbody"), exit = tcc_kgen_block(sub, "pexit");
	LLVMValueRef t, it, next;
	isl_ast_node *child;
	tcc_stat r;

	LLVMBuildBr(cg->b, head);
	LLVMPositionBuilderAtEnd(cg->b, head);
	t = LLVMBuildPhi(cg->b, cg->t_i64, "t");
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, t, end, ""), body, exit);
	LLVMPositionBuilderAtEnd(cg->b, body);
	it = LLVMBuildNSWAdd(cg->b, init, LLVMBuildNSWMul(cg->b, t,
			     LLVMConstInt(cg->t_i64, (unsigned long long)stride, 1), ""), "");
	if (tcc_kgen_push_id(sub, tcc_kgen_for_id(node), it) < 0)
		return -1;
	sub->nloops++;
	child = isl_ast_node_for_get_body(node);
	r = child ? tcc_kgen_node(sub, child) : -1;
	isl_ast_node_free(child);
	tcc_kgen_pop_id(sub);
	if (r < 0)
		return -1;
	next = LLVMBuildNSWAdd(cg->b, t, LLVMConstInt(cg->t_i64, 1, 0), "");
	LLVMAddIncoming(t, &begin, &pre, 1);
	LLVMAddIncoming(t, &next, (LLVMBasicBlockRef[]){ LLVMGetInsertBlock(cg->b) }, 1);
	LLVMBuildBr(cg->b, head);
	LLVMPositionBuilderAtEnd(cg->b, exit);
	return 0;
}

/* The body function K.par.body(captures..., begin, end): the chunk loop of "node". */
static LLVMValueRef gen_inner(struct tcc_kgen *g, __isl_keep isl_ast_node *node,
			      struct capture *c, int64_t stride)
{
	LLVMTypeRef params[c->n + 2];
	struct tcc_kgen sub = { .cg = g->cg, .k = g->k, .loop_md = g->loop_md };
	int nb = g->k->nbufs;
	LLVMValueRef fn;
	tcc_stat r = 0;

	memcpy(params, c->types, (size_t)c->n * sizeof(*params));
	params[c->n] = params[c->n + 1] = g->cg->t_i64;
	fn = add_fn(g, ".par.body", LLVMFunctionType(g->cg->t_void, params, (unsigned)c->n + 2, 0));
	sub.fn = fn;
	sub.ex = LLVMGetParam(fn, 0);
	sub.bufs = calloc((size_t)nb + 1, sizeof(*sub.bufs));
	if (!sub.bufs)
		r = tcc_ctx_oom(g->cg->ctx, g->k->loc);
	for (int b = 0; b < nb && r == 0; b++) {
		sub.bufs[b] = LLVMGetParam(fn, (unsigned)b + 1);
		add_noalias(g->cg, fn, (unsigned)b + 1);
	}
	for (int v = 0; v < g->nids && r == 0; v++)
		r = tcc_kgen_push_id(&sub, isl_id_copy(g->ids[v]),
				     LLVMGetParam(fn, (unsigned)(nb + 2 + v)));
	LLVMPositionBuilderAtEnd(g->cg->b, tcc_kgen_block(&sub, "entry"));
	if (r == 0)
		r = chunk_loop(&sub, node, LLVMGetParam(fn, (unsigned)nb + 1), stride,
			       LLVMGetParam(fn, (unsigned)c->n), LLVMGetParam(fn, (unsigned)c->n + 1));
	if (r == 0)
		LLVMBuildRetVoid(g->cg->b);
	while (sub.nids)
		tcc_kgen_pop_id(&sub);
	free(sub.ids);
	free(sub.vals);
	free(sub.bufs);
	if (r == 0)
		return fn;
	LLVMDeleteFunction(fn);
	return NULL;
}

/* K.par(ctx, begin, end): load the captures from the struct "st" at ctx, call "inner". */
static LLVMValueRef gen_outer(struct tcc_kgen *g, LLVMValueRef inner, LLVMTypeRef st,
			      struct capture *c)
{
	struct tcc_llvm *cg = g->cg;
	LLVMTypeRef params[3] = { cg->t_ptr, cg->t_i64, cg->t_i64 };
	LLVMValueRef fn = add_fn(g, ".par", LLVMFunctionType(cg->t_void, params, 3, 0));
	LLVMValueRef args[c->n + 2], ctx = LLVMGetParam(fn, 0);

	LLVMPositionBuilderAtEnd(cg->b, LLVMAppendBasicBlockInContext(cg->lctx, fn, "entry"));
	for (int i = 0; i < c->n; i++)
		args[i] = LLVMBuildLoad2(cg->b, c->types[i],
					 LLVMBuildStructGEP2(cg->b, st, ctx, (unsigned)i, ""), "");
	args[c->n] = LLVMGetParam(fn, 1);
	args[c->n + 1] = LLVMGetParam(fn, 2);
	LLVMBuildCall2(cg->b, LLVMGlobalGetValueType(inner), inner, args, (unsigned)c->n + 2, "");
	LLVMBuildRetVoid(cg->b);
	return fn;
}

/* An alloca of "t" at the start of the function's entry block. */
static LLVMValueRef entry_alloca(struct tcc_kgen *g, LLVMTypeRef t)
{
	LLVMBuilderRef b = LLVMCreateBuilderInContext(g->cg->lctx);
	LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(g->fn);
	LLVMValueRef first = LLVMGetFirstInstruction(entry), a;

	if (first)
		LLVMPositionBuilderBefore(b, first);
	else
		LLVMPositionBuilderAtEnd(b, entry);
	a = LLVMBuildAlloca(b, t, "par.ctx");
	LLVMDisposeBuilder(b);
	return a;
}

/* tcc_rt_parallel_for(ex, n, outer, ctx). */
static void call_runtime(struct tcc_kgen *g, LLVMValueRef n, LLVMValueRef outer, LLVMValueRef ctx)
{
	struct tcc_llvm *cg = g->cg;
	LLVMTypeRef params[4] = { cg->t_ptr, cg->t_i64, cg->t_ptr, cg->t_ptr };
	LLVMTypeRef fty = LLVMFunctionType(cg->t_void, params, 4, 0);
	LLVMValueRef fn = LLVMGetNamedFunction(cg->mod, "tcc_rt_parallel_for");
	LLVMValueRef args[4] = { g->ex, n, outer, ctx };

	if (!fn) {
		fn = LLVMAddFunction(cg->mod, "tcc_rt_parallel_for", fty);
		LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
			LLVMCreateEnumAttribute(cg->lctx,
				LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	}
	LLVMBuildCall2(cg->b, fty, fn, args, 4, "");
}

/* Outline "node" (ub exclusive, stride > 0) and call the runtime; the builder comes back to
 * the kernel's current block. */
static tcc_stat outline(struct tcc_kgen *g, __isl_keep isl_ast_node *node, LLVMValueRef init,
			LLVMValueRef ub, int64_t stride)
{
	struct tcc_llvm *cg = g->cg;
	LLVMBasicBlockRef here = LLVMGetInsertBlock(cg->b);
	LLVMValueRef sv = LLVMConstInt(cg->t_i64, (unsigned long long)stride, 1);
	LLVMValueRef n, inner, outer, ctx;
	struct capture c = { 0 };
	LLVMTypeRef st;

	n = LLVMBuildNSWAdd(cg->b, LLVMBuildNSWSub(cg->b, ub, init, ""),
			    LLVMConstInt(cg->t_i64, (unsigned long long)(stride - 1), 1), "");
	n = LLVMBuildSDiv(cg->b, n, sv, "par.n");
	if (capture_new(g, init, &c) < 0) {
		capture_free(&c);
		return -1;
	}
	st = LLVMStructTypeInContext(cg->lctx, c.types, (unsigned)c.n, 0);
	inner = gen_inner(g, node, &c, stride);
	outer = inner ? gen_outer(g, inner, st, &c) : NULL;
	LLVMPositionBuilderAtEnd(cg->b, here);
	if (outer) {
		ctx = entry_alloca(g, st);
		for (int i = 0; i < c.n; i++)
			LLVMBuildStore(cg->b, c.vals[i],
				       LLVMBuildStructGEP2(cg->b, st, ctx, (unsigned)i, ""));
		call_runtime(g, n, outer, ctx);
	}
	capture_free(&c);
	g->nloops++;
	return outer ? 0 : -1;
}

tcc_stat tcc_kgen_parallel(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	LLVMValueRef init, ub;
	int64_t stride;
	int shape = tcc_kgen_loop_shape(g, node, &init, &ub, &stride);

	if (shape < 0)
		return -1;
	if (shape == 0)
		return tcc_kgen_loop(g, node, init);
	return outline(g, node, init, ub, stride);
}
