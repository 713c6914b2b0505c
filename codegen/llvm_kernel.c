/* A kernel → one LLVM function, generated from the ISL AST of its current schedule (as
 * Polly's IslNodeBuilder and PPCG's printer walk it): for → a counted loop with an i64 phi,
 * if → branches, block → sequence, mark → its child, user → one statement instance. A
 * user node is the call `S(e0, ..., en-1)` ISL builds for statement S: e_i is the value of
 * S's iterator i in terms of the loop iterators, so the statement's own expressions are
 * evaluated unchanged (llvm_expr.c) with those values. Innermost loops get
 * llvm.loop.vectorize.enable. */
#include <stdlib.h>
#include <string.h>

#include <isl/ast.h>
#include <isl/ast_build.h>
#include <isl/id.h>
#include <isl/val.h>
#include <llvm-c/DebugInfo.h>

#include "codegen/llvm_private.h"
#include "ir/kernel/poly.h"

tcc_stat tcc_kgen_error(struct tcc_kgen *g, const char *what)
{
	tcc_diag_error(g->cg->ctx->diag, g->k->loc, "kernel '%s': %s", g->k->name, what);
	return -1;
}

tcc_stat tcc_kgen_push_id(struct tcc_kgen *g, __isl_take isl_id *id, LLVMValueRef v)
{
	if (g->nids == g->cap) {
		int cap = g->cap ? 2 * g->cap : 8;
		isl_id **ids = realloc(g->ids, (size_t)cap * sizeof(*ids));
		LLVMValueRef *vals = ids ? realloc(g->vals, (size_t)cap * sizeof(*vals)) : NULL;

		if (ids)
			g->ids = ids;
		if (!vals) {
			isl_id_free(id);
			return tcc_ctx_oom(g->cg->ctx, g->k->loc);
		}
		g->vals = vals;
		g->cap = cap;
	}
	g->ids[g->nids] = id;
	g->vals[g->nids++] = v;
	return 0;
}

void tcc_kgen_pop_id(struct tcc_kgen *g)
{
	isl_id_free(g->ids[--g->nids]);
}

/* ---- isl_ast_expr → i64 (or i1 for conditions) ---- */

static LLVMValueRef ast_expr(struct tcc_kgen *g, __isl_keep isl_ast_expr *e);

static LLVMValueRef ast_arg(struct tcc_kgen *g, __isl_keep isl_ast_expr *e, int i)
{
	isl_ast_expr *a = isl_ast_expr_op_get_arg(e, i);
	LLVMValueRef v = a ? ast_expr(g, a) : NULL;

	isl_ast_expr_free(a);
	return v;
}

static LLVMValueRef ast_id(struct tcc_kgen *g, __isl_keep isl_ast_expr *e)
{
	isl_id *id = isl_ast_expr_get_id(e);
	LLVMValueRef v = NULL;

	for (int i = g->nids - 1; i >= 0 && !v; i--)
		if (g->ids[i] == id)
			v = g->vals[i];
	if (!v)
		tcc_kgen_error(g, "unknown identifier in the loop AST");
	isl_id_free(id);
	return v;
}

static LLVMValueRef ast_int(struct tcc_kgen *g, __isl_keep isl_ast_expr *e)
{
	isl_val *v = isl_ast_expr_get_val(e);
	long n = isl_val_get_num_si(v);

	isl_val_free(v);
	return LLVMConstInt(g->cg->t_i64, (unsigned long long)n, 1);
}

/* Floor of a / b (ISL's fdiv_q; b > 0 in practice, either sign handled). */
static LLVMValueRef fdiv_q(LLVMBuilderRef b, LLVMValueRef x, LLVMValueRef y)
{
	LLVMValueRef zero = LLVMConstInt(LLVMTypeOf(x), 0, 0);
	LLVMValueRef q = LLVMBuildSDiv(b, x, y, "");
	LLVMValueRef r = LLVMBuildSRem(b, x, y, "");
	LLVMValueRef inexact = LLVMBuildICmp(b, LLVMIntNE, r, zero, "");
	LLVMValueRef signs = LLVMBuildXor(b, LLVMBuildICmp(b, LLVMIntSLT, r, zero, ""),
					  LLVMBuildICmp(b, LLVMIntSLT, y, zero, ""), "");
	LLVMValueRef adj = LLVMBuildAnd(b, inexact, signs, "");

	return LLVMBuildSub(b, q, LLVMBuildZExt(b, adj, LLVMTypeOf(x), ""), "");
}

static LLVMValueRef ast_binop(LLVMBuilderRef b, enum isl_ast_expr_op_type t, LLVMValueRef x,
			      LLVMValueRef y)
{
	switch (t) {
	case isl_ast_expr_op_and:
	case isl_ast_expr_op_and_then:
		return LLVMBuildAnd(b, x, y, "");
	case isl_ast_expr_op_or:
	case isl_ast_expr_op_or_else:
		return LLVMBuildOr(b, x, y, "");
	case isl_ast_expr_op_max:
		return LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSGT, x, y, ""), x, y, "");
	case isl_ast_expr_op_min:
		return LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSLT, x, y, ""), x, y, "");
	case isl_ast_expr_op_add:
		return LLVMBuildNSWAdd(b, x, y, "");
	case isl_ast_expr_op_sub:
		return LLVMBuildNSWSub(b, x, y, "");
	case isl_ast_expr_op_mul:
		return LLVMBuildNSWMul(b, x, y, "");
	case isl_ast_expr_op_div:
		return LLVMBuildExactSDiv(b, x, y, "");
	case isl_ast_expr_op_fdiv_q:
		return fdiv_q(b, x, y);
	case isl_ast_expr_op_pdiv_q:
		return LLVMBuildSDiv(b, x, y, "");
	case isl_ast_expr_op_pdiv_r:
	case isl_ast_expr_op_zdiv_r:
		return LLVMBuildSRem(b, x, y, "");
	case isl_ast_expr_op_eq:
		return LLVMBuildICmp(b, LLVMIntEQ, x, y, "");
	case isl_ast_expr_op_le:
		return LLVMBuildICmp(b, LLVMIntSLE, x, y, "");
	case isl_ast_expr_op_lt:
		return LLVMBuildICmp(b, LLVMIntSLT, x, y, "");
	case isl_ast_expr_op_ge:
		return LLVMBuildICmp(b, LLVMIntSGE, x, y, "");
	case isl_ast_expr_op_gt:
		return LLVMBuildICmp(b, LLVMIntSGT, x, y, "");
	default:
		return NULL;
	}
}

static LLVMValueRef ast_op(struct tcc_kgen *g, __isl_keep isl_ast_expr *e)
{
	enum isl_ast_expr_op_type t = isl_ast_expr_op_get_type(e);
	isl_size n = isl_ast_expr_op_get_n_arg(e);
	LLVMValueRef v = n > 0 ? ast_arg(g, e, 0) : NULL, c;

	if (!v)
		return NULL;
	if (t == isl_ast_expr_op_minus)
		return LLVMBuildNSWNeg(g->cg->b, v, "");
	if (t == isl_ast_expr_op_cond || t == isl_ast_expr_op_select) {
		LLVMValueRef x = ast_arg(g, e, 1), y = x ? ast_arg(g, e, 2) : NULL;

		return y ? LLVMBuildSelect(g->cg->b, v, x, y, "") : NULL;
	}
	for (isl_size i = 1; i < n && v; i++) { /* max/min are n-ary, the rest binary */
		c = ast_arg(g, e, i);
		v = c ? ast_binop(g->cg->b, t, v, c) : NULL;
	}
	if (!v && n > 0)
		tcc_kgen_error(g, "unsupported operation in the loop AST");
	return v;
}

static LLVMValueRef ast_expr(struct tcc_kgen *g, __isl_keep isl_ast_expr *e)
{
	switch (isl_ast_expr_get_type(e)) {
	case isl_ast_expr_id:
		return ast_id(g, e);
	case isl_ast_expr_int:
		return ast_int(g, e);
	case isl_ast_expr_op:
		return ast_op(g, e);
	default:
		tcc_kgen_error(g, "invalid expression in the loop AST");
		return NULL;
	}
}

LLVMValueRef tcc_kgen_ast_expr(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_expr *e)
{
	return ast_expr(g, e);
}

static LLVMValueRef ast_expr_take(struct tcc_kgen *g, __isl_take isl_ast_expr *e)
{
	LLVMValueRef v = e ? ast_expr(g, e) : NULL;

	isl_ast_expr_free(e);
	return v;
}

/* ---- statements ---- */

static const struct tcc_kstmt *find_stmt(const struct tcc_kernel *k, const char *name)
{
	for (int i = 0; i < k->nstmts; i++)
		if (!strcmp(k->stmts[i]->name, name))
			return k->stmts[i];
	return NULL;
}

/* The instance's update: target = target (upd) rhs. */
static tcc_stat gen_update(struct tcc_kgen *g, struct tcc_llvm_env *env)
{
	const struct tcc_kstmt *s = env->s;
	int dt = s->target->u.buf->dtype;
	LLVMValueRef addr, v;

	if (tcc_llvm_is_subbyte(dt)) {
		v = tcc_llvm_expr(env, s->rhs);
		if (v && s->update != TCC_KUPD_ASSIGN) {
			LLVMValueRef old = tcc_llvm_subbyte_load(env, s->target);

			v = old ? tcc_llvm_update(g->cg, s->update, dt, old, v) : NULL;
		}
		return v ? tcc_llvm_subbyte_store(env, s->target, v) : -1;
	}
	addr = tcc_llvm_elem_addr(env, s->target);
	v = addr ? tcc_llvm_expr(env, s->rhs) : NULL;
	if (!v)
		return -1;
	if (s->update != TCC_KUPD_ASSIGN) {
		LLVMValueRef old = tcc_llvm_load_elem(g->cg, addr, dt);

		if (!old)
			return -1;
		v = tcc_llvm_update(g->cg, s->update, dt, old, v);
	}
	tcc_llvm_store_elem(g->cg, addr, v, dt);
	return 0;
}

const struct tcc_kstmt *tcc_kgen_user_stmt(__tcc_keep struct tcc_kgen *g,
					   __isl_keep isl_ast_node *node)
{
	isl_ast_expr *call = isl_ast_node_user_get_expr(node);
	isl_ast_expr *callee = isl_ast_expr_op_get_arg(call, 0);
	isl_id *id = isl_ast_expr_get_id(callee);
	const struct tcc_kstmt *s = id ? find_stmt(g->k, isl_id_get_name(id)) : NULL;

	if (s && isl_ast_expr_op_get_n_arg(call) != s->niters + 1)
		s = NULL;
	isl_id_free(id);
	isl_ast_expr_free(callee);
	isl_ast_expr_free(call);
	if (!s)
		tcc_kgen_error(g, "loop AST names an unknown statement");
	return s;
}

static tcc_stat gen_user(struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	const struct tcc_kstmt *s = tcc_kgen_user_stmt(g, node);
	struct tcc_llvm_env env = { .cg = g->cg, .s = s, .bufs = g->bufs };
	isl_ast_expr *call;
	tcc_stat r = -1;

	if (!s)
		return -1;
	env.iters = calloc((size_t)s->niters + 1, sizeof(*env.iters));
	if (!env.iters)
		return tcc_ctx_oom(g->cg->ctx, s->loc);
	call = isl_ast_node_user_get_expr(node);
	for (int i = 0; i < s->niters; i++)
		if (!(env.iters[i] = ast_arg(g, call, i + 1)))
			goto out;
	r = gen_update(g, &env);
out:
	free(env.iters);
	isl_ast_expr_free(call);
	return r;
}

/* ---- control flow ---- */


static tcc_stat gen_node_take(struct tcc_kgen *g, __isl_take isl_ast_node *node)
{
	tcc_stat r = node ? tcc_kgen_node(g, node) : -1;

	isl_ast_node_free(node);
	return r;
}

LLVMBasicBlockRef tcc_kgen_block(struct tcc_kgen *g, const char *name)
{
	return LLVMAppendBasicBlockInContext(g->cg->lctx, g->fn, name);
}

/* !{!self, !{"llvm.loop.vectorize.enable", i1 true}} on the back edge "br". */
static void mark_vectorize(struct tcc_kgen *g, LLVMValueRef br)
{
	struct tcc_llvm *cg = g->cg;
	const char *key = "llvm.loop.vectorize.enable";
	LLVMMetadataRef hint[2] = {
		LLVMMDStringInContext2(cg->lctx, key, strlen(key)),
		LLVMValueAsMetadata(LLVMConstInt(cg->t_i1, 1, 0)),
	};
	LLVMMetadataRef tmp = LLVMTemporaryMDNode(cg->lctx, NULL, 0);
	LLVMMetadataRef ops[2] = { tmp, LLVMMDNodeInContext2(cg->lctx, hint, 2) };
	LLVMMetadataRef loop = LLVMMDNodeInContext2(cg->lctx, ops, 2);

	LLVMMetadataReplaceAllUsesWith(tmp, loop);
	LLVMSetMetadata(br, g->loop_md, LLVMMetadataAsValue(cg->lctx, loop));
}

__isl_give isl_id *tcc_kgen_for_id(__isl_keep isl_ast_node *node)
{
	isl_ast_expr *it = isl_ast_node_for_get_iterator(node);
	isl_id *id = isl_ast_expr_get_id(it);

	isl_ast_expr_free(it);
	return id;
}

/* header: iv = phi [init, pre], [iv + inc, latch]; if (cond(iv)) body else exit. */
tcc_stat tcc_kgen_loop(struct tcc_kgen *g, __isl_keep isl_ast_node *node, LLVMValueRef init)
{
	struct tcc_llvm *cg = g->cg;
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(cg->b), head = tcc_kgen_block(g, "loop");
	LLVMBasicBlockRef body = tcc_kgen_block(g, "body"), exit = tcc_kgen_block(g, "exit");
	LLVMValueRef iv, cond, inc, next, br;
	int loops = ++g->nloops;

	LLVMBuildBr(cg->b, head);
	LLVMPositionBuilderAtEnd(cg->b, head);
	iv = LLVMBuildPhi(cg->b, cg->t_i64, "c");
	if (tcc_kgen_push_id(g, tcc_kgen_for_id(node), iv) < 0)
		return -1;
	cond = ast_expr_take(g, isl_ast_node_for_get_cond(node));
	inc = cond ? ast_expr_take(g, isl_ast_node_for_get_inc(node)) : NULL;
	if (!inc)
		return -1;
	LLVMBuildCondBr(cg->b, cond, body, exit);
	LLVMPositionBuilderAtEnd(cg->b, body);
	if (gen_node_take(g, isl_ast_node_for_get_body(node)) < 0)
		return -1;
	next = LLVMBuildNSWAdd(cg->b, iv, inc, "");
	br = LLVMBuildBr(cg->b, head);
	if (g->nloops == loops)
		mark_vectorize(g, br);
	LLVMAddIncoming(iv, &init, &pre, 1);
	LLVMAddIncoming(iv, &next, (LLVMBasicBlockRef[]){ LLVMGetInsertBlock(cg->b) }, 1);
	LLVMPositionBuilderAtEnd(cg->b, exit);
	tcc_kgen_pop_id(g);
	return 0;
}

/* 1 when "e" mentions "id". */
static int uses_id(__isl_keep isl_ast_expr *e, __isl_keep isl_id *id)
{
	isl_id *x;
	int r = 0;

	if (isl_ast_expr_get_type(e) == isl_ast_expr_id) {
		x = isl_ast_expr_get_id(e);
		r = x == id;
		isl_id_free(x);
		return r;
	}
	if (isl_ast_expr_get_type(e) != isl_ast_expr_op)
		return 0;
	for (isl_size i = 0; i < isl_ast_expr_op_get_n_arg(e) && !r; i++) {
		isl_ast_expr *a = isl_ast_expr_op_get_arg(e, i);

		r = !a || uses_id(a, id);
		isl_ast_expr_free(a);
	}
	return r;
}

/* The constant stride of "node", or 0. */
static int64_t loop_stride(__isl_keep isl_ast_node *node)
{
	isl_ast_expr *inc = isl_ast_node_for_get_inc(node);
	isl_val *v = inc && isl_ast_expr_get_type(inc) == isl_ast_expr_int ?
		isl_ast_expr_get_val(inc) : NULL;
	int64_t r = v && isl_val_is_int(v) ? isl_val_get_num_si(v) : 0;

	isl_val_free(v);
	isl_ast_expr_free(inc);
	return r;
}

int tcc_kgen_loop_shape(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node,
			LLVMValueRef *init, LLVMValueRef *ub, int64_t *stride)
{
	isl_ast_expr *cond = isl_ast_node_for_get_cond(node), *bound = NULL;
	isl_id *id = tcc_kgen_for_id(node);
	enum isl_ast_expr_op_type t = cond ? isl_ast_expr_op_get_type(cond) : isl_ast_expr_op_error;
	int ok = 0;

	*init = ast_expr_take(g, isl_ast_node_for_get_init(node));
	*stride = loop_stride(node);
	if (*init && (t == isl_ast_expr_op_le || t == isl_ast_expr_op_lt) && *stride > 0) {
		isl_ast_expr *lhs = isl_ast_expr_op_get_arg(cond, 0);
		isl_id *lid = lhs && isl_ast_expr_get_type(lhs) == isl_ast_expr_id ?
			isl_ast_expr_get_id(lhs) : NULL;

		bound = isl_ast_expr_op_get_arg(cond, 1);
		ok = lid == id && bound && !uses_id(bound, id);
		isl_id_free(lid);
		isl_ast_expr_free(lhs);
	}
	*ub = ok ? ast_expr(g, bound) : NULL;
	if (ok && *ub && t == isl_ast_expr_op_le)
		*ub = LLVMBuildNSWAdd(g->cg->b, *ub, LLVMConstInt(g->cg->t_i64, 1, 0), "");
	isl_ast_expr_free(bound);
	isl_ast_expr_free(cond);
	isl_id_free(id);
	if (!*init || (ok && !*ub))
		return -1;
	return ok;
}

static tcc_stat gen_for(struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	LLVMValueRef init = ast_expr_take(g, isl_ast_node_for_get_init(node));
	tcc_stat r;

	if (!init)
		return -1;
	if (isl_ast_node_for_is_degenerate(node) != isl_bool_true)
		return tcc_kgen_loop(g, node, init);
	if (tcc_kgen_push_id(g, tcc_kgen_for_id(node), init) < 0)
		return -1;
	r = gen_node_take(g, isl_ast_node_for_get_body(node));
	tcc_kgen_pop_id(g);
	return r;
}

static tcc_stat gen_if(struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	struct tcc_llvm *cg = g->cg;
	LLVMValueRef cond = ast_expr_take(g, isl_ast_node_if_get_cond(node));
	LLVMBasicBlockRef then = tcc_kgen_block(g, "then"), other = NULL, join;
	int has_else = isl_ast_node_if_has_else_node(node) == isl_bool_true;

	if (!cond)
		return -1;
	if (has_else)
		other = tcc_kgen_block(g, "else");
	join = tcc_kgen_block(g, "endif");
	LLVMBuildCondBr(cg->b, cond, then, has_else ? other : join);
	LLVMPositionBuilderAtEnd(cg->b, then);
	if (gen_node_take(g, isl_ast_node_if_get_then_node(node)) < 0)
		return -1;
	LLVMBuildBr(cg->b, join);
	if (has_else) {
		LLVMPositionBuilderAtEnd(cg->b, other);
		if (gen_node_take(g, isl_ast_node_if_get_else_node(node)) < 0)
			return -1;
		LLVMBuildBr(cg->b, join);
	}
	LLVMPositionBuilderAtEnd(cg->b, join);
	return 0;
}

static tcc_stat gen_block(struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	isl_ast_node_list *list = isl_ast_node_block_get_children(node);
	isl_size n = isl_ast_node_list_size(list);
	tcc_stat r = n < 0 ? -1 : 0;

	for (isl_size i = 0; i < n && r == 0; i++)
		r = gen_node_take(g, isl_ast_node_list_get_at(list, i));
	isl_ast_node_list_free(list);
	return r;
}

/* A "parallel" or "vector" mark applies to the for node right below it, or to each for
 * node of a block right below it (isl separates full and partial tiles into several loops);
 * any other mark, or a mark above something else, is walked through. */
static tcc_stat gen_marked(struct tcc_kgen *g, const char *name, __isl_keep isl_ast_node *child)
{
	int is_for = isl_ast_node_get_type(child) == isl_ast_node_for &&
		     isl_ast_node_for_is_degenerate(child) == isl_bool_false;
	isl_ast_node_list *list;
	isl_size n;
	tcc_stat r = 0;

	if (is_for && name && !strcmp(name, "parallel"))
		return tcc_kgen_parallel(g, child);
	if (is_for && name && !strcmp(name, "vector"))
		return tcc_kgen_vector(g, child);
	if (!name || isl_ast_node_get_type(child) != isl_ast_node_block)
		return tcc_kgen_node(g, child);
	list = isl_ast_node_block_get_children(child);
	n = isl_ast_node_list_size(list);
	for (isl_size i = 0; i < n && r == 0; i++) {
		isl_ast_node *c = isl_ast_node_list_get_at(list, i);

		r = c ? gen_marked(g, name, c) : -1;
		isl_ast_node_free(c);
	}
	isl_ast_node_list_free(list);
	return n < 0 ? -1 : r;
}

static tcc_stat gen_mark(struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	isl_id *id = isl_ast_node_mark_get_id(node);
	isl_ast_node *child = isl_ast_node_mark_get_node(node);
	const char *name = id ? isl_id_get_name(id) : NULL;
	tcc_stat r = -1;

	if (name && strcmp(name, "parallel") && strcmp(name, "vector"))
		name = NULL;
	if (child)
		r = gen_marked(g, name, child);
	isl_id_free(id);
	isl_ast_node_free(child);
	return r;
}

tcc_stat tcc_kgen_node(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	switch (isl_ast_node_get_type(node)) {
	case isl_ast_node_for:
		return gen_for(g, node);
	case isl_ast_node_if:
		return gen_if(g, node);
	case isl_ast_node_block:
		return gen_block(g, node);
	case isl_ast_node_mark:
		return gen_mark(g, node);
	case isl_ast_node_user:
		return gen_user(g, node);
	default:
		return tcc_kgen_error(g, "invalid loop AST node");
	}
}

/* ---- the function ---- */

LLVMTypeRef tcc_llvm_kernel_fn_type(__tcc_keep struct tcc_llvm *cg, int nbufs)
{
	LLVMTypeRef params[nbufs + 1];

	for (int i = 0; i <= nbufs; i++)
		params[i] = cg->t_ptr;
	return LLVMFunctionType(cg->t_void, params, (unsigned)nbufs + 1, 0);
}

LLVMValueRef tcc_llvm_get_kernel(__tcc_keep struct tcc_llvm *cg, const char *symbol)
{
	return LLVMGetNamedFunction(cg->mod, symbol);
}

static void add_param_attr(struct tcc_llvm *cg, LLVMValueRef fn, unsigned idx, const char *name)
{
	unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));

	LLVMAddAttributeAtIndex(fn, idx, LLVMCreateEnumAttribute(cg->lctx, kind, 0));
}

/* Declare "symbol"; buffer arguments are noalias, nocapture and named after the buffers. */
static LLVMValueRef declare_kernel(struct tcc_kgen *g, const char *symbol)
{
	struct tcc_llvm *cg = g->cg;
	const struct tcc_kernel *k = g->k;
	LLVMValueRef fn;

	if (LLVMGetNamedFunction(cg->mod, symbol)) {
		tcc_kgen_error(g, "symbol is already defined");
		return NULL;
	}
	fn = LLVMAddFunction(cg->mod, symbol, tcc_llvm_kernel_fn_type(cg, k->nbufs));
	tcc_llvm_set_fn_attrs(cg, fn);
	LLVMSetValueName2(LLVMGetParam(fn, 0), "ex", 2);
	g->ex = LLVMGetParam(fn, 0);
	for (int i = 0; i < k->nbufs; i++) {
		LLVMValueRef p = LLVMGetParam(fn, (unsigned)i + 1);

		LLVMSetValueName2(p, k->bufs[i]->name, strlen(k->bufs[i]->name));
		add_param_attr(cg, fn, (unsigned)i + 2, "noalias");
		add_param_attr(cg, fn, (unsigned)i + 2, "nocapture");
		g->bufs[i] = p;
	}
	return fn;
}

static __isl_give isl_ast_node *build_ast(struct tcc_poly *poly)
{
	isl_ast_build *build = isl_ast_build_alloc(tcc_poly_get_isl_ctx(poly));
	isl_ast_node *tree = isl_ast_build_node_from_schedule(build, tcc_poly_get_schedule(poly));

	isl_ast_build_free(build);
	return tree;
}

static tcc_stat gen_body(struct tcc_kgen *g, struct tcc_poly *poly, const char *symbol)
{
	struct tcc_llvm *cg = g->cg;
	isl_ast_node *tree = build_ast(poly);
	tcc_stat r;

	if (!tree)
		return tcc_kgen_error(g, "cannot generate the loop AST");
	g->fn = declare_kernel(g, symbol);
	if (!g->fn) {
		isl_ast_node_free(tree);
		return -1;
	}
	LLVMPositionBuilderAtEnd(cg->b, tcc_kgen_block(g, "entry"));
	r = gen_node_take(g, tree);
	if (r == 0)
		LLVMBuildRetVoid(cg->b);
	while (g->nids)
		tcc_kgen_pop_id(g);
	return r;
}

tcc_stat tcc_llvm_add_kernel_poly(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_poly *poly,
				  const char *symbol)
{
	const struct tcc_kernel *k = tcc_poly_get_kernel(poly);
	struct tcc_kgen g = { .cg = cg, .k = k };
	tcc_stat r;

	for (int i = 0; i < k->nbufs; i++)
		if (!tcc_llvm_dtype(cg, k->bufs[i]->dtype, k->bufs[i]->loc))
			return -1;
	g.loop_md = LLVMGetMDKindIDInContext(cg->lctx, "llvm.loop", 9);
	g.bufs = calloc((size_t)k->nbufs + 1, sizeof(*g.bufs));
	if (!g.bufs)
		return tcc_ctx_oom(cg->ctx, k->loc);
	r = gen_body(&g, poly, symbol);
	if (r < 0 && g.fn)
		LLVMDeleteFunction(g.fn);
	free(g.bufs);
	free(g.ids);
	free(g.vals);
	return r;
}

tcc_stat tcc_llvm_add_kernel(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_kernel *k,
			     const char *symbol)
{
	struct tcc_poly *poly = tcc_poly_build(k);
	tcc_stat r;

	if (!poly)
		return -1;
	r = tcc_llvm_add_kernel_poly(cg, poly, symbol);
	tcc_poly_free(poly);
	return r;
}
