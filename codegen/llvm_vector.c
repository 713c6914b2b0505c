/* Explicit vector code for a for loop under a "vector" mark.
 *
 * The loop `for (it = init; it < ub; it++) BODY` (BODY: one statement instance, or a block of
 * them, no loops) becomes a loop over full chunks of W lanes, then the ordinary scalar loop
 * for the rest:
 *
 *     for (it = init; it + W <= ub; it += W) VECTOR BODY (lane l is it + l)
 *     for (; it < ub; it++) BODY
 *
 * W = vector register bytes / largest element size (at most 16; halved while above a
 * constant trip count). Each statement iterator is an ISL expression of the loop iterators;
 * where it is affine in `it` its lanes are splat(lane 0) + d·<0..W-1>, otherwise they are
 * evaluated lane by lane. A LOAD's row-major offset has derivative d w.r.t. `it`: 0 → scalar
 * load + splat, 1 → one unaligned vector load, another constant → llvm.masked.gather of
 * lane-0 address + d·<0..W-1>, not constant (data-dependent or floor subscripts) → the
 * address of every lane, then a gather. The target: d = 1 → vector load/update/store; 0 → a
 * horizontal reduction (llvm.vector.reduce.*, reassociating float sums) combined with the
 * update (`=` stores the last lane); another constant → gather/update/scatter. Operations
 * are the scalar ones of llvm_expr.c applied to vectors (libm calls: one per lane).
 *
 * Bodies it does not handle run as the scalar loop (never wrong code): half/bfloat data, a
 * target whose offset derivative is not constant, a right-hand side that reads its own
 * target buffer, statements of a block that share a written buffer, loops with another
 * shape or stride. */
#include <stdlib.h>
#include <string.h>

#include <isl/val.h>

#include "codegen/llvm_private.h"

static int is_fp(int dt)
{
	return dt == TCC_DT_FLOAT || dt == TCC_DT_DOUBLE || dt == TCC_DT_FLOAT16 ||
	       dt == TCC_DT_BFLOAT16;
}

static int is_half(int dt)
{
	return dt == TCC_DT_FLOAT16 || dt == TCC_DT_BFLOAT16;
}

LLVMTypeRef tcc_llvm_scalar_type(LLVMTypeRef t)
{
	return LLVMGetTypeKind(t) == LLVMVectorTypeKind ? LLVMGetElementType(t) : t;
}

LLVMValueRef tcc_llvm_splat_const(LLVMTypeRef t, LLVMValueRef c)
{
	unsigned n = LLVMGetTypeKind(t) == LLVMVectorTypeKind ? LLVMGetVectorSize(t) : 0;
	LLVMValueRef v[n ? n : 1];

	if (!n)
		return c;
	for (unsigned i = 0; i < n; i++)
		v[i] = c;
	return LLVMConstVector(v, n);
}

/* The run-time scalar "x" in all "w" lanes. */
static LLVMValueRef splat(struct tcc_llvm *cg, LLVMValueRef x, int w)
{
	LLVMTypeRef vt = LLVMVectorType(LLVMTypeOf(x), (unsigned)w);
	LLVMValueRef v = LLVMBuildInsertElement(cg->b, LLVMGetUndef(vt), x,
						LLVMConstInt(cg->t_i32, 0, 0), "");

	return LLVMBuildShuffleVector(cg->b, v, LLVMGetUndef(vt),
				      LLVMConstNull(LLVMVectorType(cg->t_i32, (unsigned)w)), "");
}

/* <0, d, 2d, ..., (w-1)d> as i64. */
static LLVMValueRef steps(struct tcc_llvm *cg, int64_t d, int w)
{
	LLVMValueRef v[w];

	for (int l = 0; l < w; l++)
		v[l] = LLVMConstInt(cg->t_i64, (unsigned long long)(d * l), 1);
	return LLVMConstVector(v, (unsigned)w);
}

static LLVMValueRef lane(struct tcc_llvm *cg, int l)
{
	return LLVMConstInt(cg->t_i32, (unsigned long long)l, 0);
}

/* ---- derivatives w.r.t. the vector iterator ---- */

static int64_t dadd(int64_t a, int64_t b)
{
	return a == TCC_LLVM_NODERIV || b == TCC_LLVM_NODERIV ? TCC_LLVM_NODERIV : a + b;
}

static int64_t dmul(int64_t a, int64_t c)
{
	return a == TCC_LLVM_NODERIV ? TCC_LLVM_NODERIV : a * c;
}

/* 1 when "e" depends on an iterator with a non-zero derivative. */
static int varies(const int64_t *dits, const struct tcc_kexpr *e)
{
	if (e->op == TCC_KOP_ITER)
		return dits[e->u.iter] != 0;
	for (int i = 0; i < e->nargs; i++)
		if (varies(dits, e->args[i]))
			return 1;
	return 0;
}

static int64_t kderiv(const int64_t *dits, const struct tcc_kexpr *e)
{
	switch (e->op) {
	case TCC_KOP_INT:
		return 0;
	case TCC_KOP_ITER:
		return dits[e->u.iter];
	case TCC_KOP_NEG:
		return dmul(kderiv(dits, e->args[0]), -1);
	case TCC_KOP_ADD:
		return dadd(kderiv(dits, e->args[0]), kderiv(dits, e->args[1]));
	case TCC_KOP_SUB:
		return dadd(kderiv(dits, e->args[0]), dmul(kderiv(dits, e->args[1]), -1));
	case TCC_KOP_MUL:
		if (e->args[1]->op == TCC_KOP_INT)
			return dmul(kderiv(dits, e->args[0]), e->args[1]->u.i);
		if (e->args[0]->op == TCC_KOP_INT)
			return dmul(kderiv(dits, e->args[1]), e->args[0]->u.i);
		break;
	default:
		break;
	}
	return varies(dits, e) ? TCC_LLVM_NODERIV : 0;
}

/* The derivative of the row-major element offset of LOAD "e". */
static int64_t access_deriv(const int64_t *dits, const struct tcc_kexpr *e)
{
	int64_t d = 0, stride = 1;

	for (int i = e->nargs - 1; i >= 0; i--) {
		d = dadd(d, dmul(kderiv(dits, e->args[i]), stride));
		stride *= e->u.buf->dims[i];
	}
	return d;
}

/* ---- memory ---- */

static LLVMValueRef call_intrinsic(struct tcc_llvm *cg, const char *name, LLVMTypeRef *tys,
				   int ntys, LLVMValueRef *args, unsigned n)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, id, tys, (size_t)ntys);
	LLVMTypeRef fty = LLVMIntrinsicGetType(cg->lctx, id, tys, (size_t)ntys);

	return LLVMBuildCall2(cg->b, fty, fn, args, n, "");
}

static LLVMValueRef all_lanes(struct tcc_llvm *cg, int w)
{
	return tcc_llvm_splat_const(LLVMVectorType(cg->t_i1, (unsigned)w),
				    LLVMConstInt(cg->t_i1, 1, 0));
}

static LLVMValueRef gather(struct tcc_llvm *cg, LLVMValueRef ptrs, LLVMTypeRef mt, int w)
{
	LLVMTypeRef tys[2] = { LLVMVectorType(mt, (unsigned)w), LLVMTypeOf(ptrs) };
	LLVMValueRef args[4] = { ptrs, LLVMConstInt(cg->t_i32, LLVMABIAlignmentOfType(cg->td, mt), 0),
				 all_lanes(cg, w), LLVMGetUndef(tys[0]) };

	return call_intrinsic(cg, "llvm.masked.gather", tys, 2, args, 4);
}

static void scatter(struct tcc_llvm *cg, LLVMValueRef v, LLVMValueRef ptrs, LLVMTypeRef mt, int w)
{
	LLVMTypeRef tys[2] = { LLVMTypeOf(v), LLVMTypeOf(ptrs) };
	LLVMValueRef args[4] = { v, ptrs, LLVMConstInt(cg->t_i32, LLVMABIAlignmentOfType(cg->td, mt), 0),
				 all_lanes(cg, w) };

	call_intrinsic(cg, "llvm.masked.scatter", tys, 2, args, 4);
}

/* A vector load (store) of "w" elements of "mt" at "addr", element-aligned. */
static LLVMValueRef vec_load(struct tcc_llvm *cg, LLVMValueRef addr, LLVMTypeRef mt, int w)
{
	LLVMValueRef v = LLVMBuildLoad2(cg->b, LLVMVectorType(mt, (unsigned)w), addr, "");

	LLVMSetAlignment(v, LLVMABIAlignmentOfType(cg->td, mt));
	return v;
}

static void vec_store(struct tcc_llvm *cg, LLVMValueRef v, LLVMValueRef addr, LLVMTypeRef mt)
{
	LLVMValueRef st = LLVMBuildStore(cg->b, v, addr);

	LLVMSetAlignment(st, LLVMABIAlignmentOfType(cg->td, mt));
}

/* Memory vector → register vector (bool: i8 → i1) and back. */
static LLVMValueRef from_mem(struct tcc_llvm *cg, LLVMValueRef v, int dt)
{
	if (dt != TCC_DT_BOOL)
		return v;
	return LLVMBuildICmp(cg->b, LLVMIntNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
}

static LLVMValueRef to_mem(struct tcc_llvm *cg, LLVMValueRef v, int dt, int w)
{
	if (dt != TCC_DT_BOOL)
		return v;
	return LLVMBuildZExt(cg->b, v, LLVMVectorType(cg->t_i8, (unsigned)w), "");
}

/* The address of every lane of LOAD "e": lane-0 address + d·<0..> when "d" is constant,
 * else computed lane by lane. */
static LLVMValueRef lane_ptrs(struct tcc_llvm_env *env, const struct tcc_kexpr *e,
			      LLVMValueRef addr0, int64_t d, LLVMTypeRef mt)
{
	struct tcc_llvm *cg = env->cg;
	int n = env->s->niters;
	LLVMValueRef its[n + 1], ptrs;
	struct tcc_llvm_env s = *env;

	if (d != TCC_LLVM_NODERIV) {
		LLVMValueRef idx = steps(cg, d, env->vw);

		return LLVMBuildInBoundsGEP2(cg->b, mt, addr0, &idx, 1, "");
	}
	s.vw = 0;
	s.iters = its;
	ptrs = LLVMGetUndef(LLVMVectorType(cg->t_ptr, (unsigned)env->vw));
	for (int l = 0; l < env->vw; l++) {
		LLVMValueRef a;

		for (int i = 0; i < n; i++)
			its[i] = LLVMBuildExtractElement(cg->b, env->lanes[i], lane(cg, l), "");
		if (!(a = tcc_llvm_elem_addr(&s, e)))
			return NULL;
		ptrs = LLVMBuildInsertElement(cg->b, ptrs, a, lane(cg, l), "");
	}
	return ptrs;
}

LLVMValueRef tcc_llvm_vleaf(__tcc_keep struct tcc_llvm_env *env,
			    __tcc_keep const struct tcc_kexpr *e)
{
	struct tcc_llvm *cg = env->cg;
	int dt = e->u.buf->dtype, w = env->vw;
	int64_t d = access_deriv(env->dits, e);
	LLVMTypeRef mt = tcc_llvm_dtype(cg, dt, e->loc);
	struct tcc_llvm_env s0 = *env;
	LLVMValueRef addr = NULL, ptrs;

	s0.vw = 0; /* lane 0 */
	if (!mt || (d != TCC_LLVM_NODERIV && !(addr = tcc_llvm_elem_addr(&s0, e))))
		return NULL;
	if (d == 0) {
		LLVMValueRef x = tcc_llvm_load_elem(cg, addr, dt);

		return x ? splat(cg, x, w) : NULL;
	}
	if (d == 1)
		return from_mem(cg, vec_load(cg, addr, mt, w), dt);
	ptrs = lane_ptrs(env, e, addr, d, mt);
	return ptrs ? from_mem(cg, gather(cg, ptrs, mt, w), dt) : NULL;
}

/* ---- statements ---- */

/* The horizontal reduction of "v" by update "upd" (not `=`). */
static LLVMValueRef reduce(struct tcc_llvm *cg, enum tcc_kupdate upd, int dt, LLVMValueRef v)
{
	LLVMTypeRef vt = LLVMTypeOf(v), et = tcc_llvm_scalar_type(vt);
	int sg = tcc_dtype_is_signed(dt), b = dt == TCC_DT_BOOL;
	const char *name;
	LLVMValueRef r, args[2] = { NULL, v };

	if (is_fp(dt) && (upd == TCC_KUPD_ADD || upd == TCC_KUPD_MUL)) {
		args[0] = LLVMConstReal(et, upd == TCC_KUPD_ADD ? -0.0 : 1.0);
		r = call_intrinsic(cg, upd == TCC_KUPD_ADD ? "llvm.vector.reduce.fadd" :
				   "llvm.vector.reduce.fmul", &vt, 1, args, 2);
		LLVMSetFastMathFlags(r, LLVMFastMathAllowReassoc | LLVMFastMathAllowContract);
		return r;
	}
	if (is_fp(dt))
		name = upd == TCC_KUPD_MAX ? "llvm.vector.reduce.fmaximum" :
			"llvm.vector.reduce.fminimum";
	else if (upd == TCC_KUPD_ADD)
		name = b ? "llvm.vector.reduce.or" : "llvm.vector.reduce.add";
	else if (upd == TCC_KUPD_MUL)
		name = b ? "llvm.vector.reduce.and" : "llvm.vector.reduce.mul";
	else if (upd == TCC_KUPD_MAX)
		name = sg ? "llvm.vector.reduce.smax" : "llvm.vector.reduce.umax";
	else
		name = sg ? "llvm.vector.reduce.smin" : "llvm.vector.reduce.umin";
	return call_intrinsic(cg, name, &vt, 1, &args[1], 1);
}

/* Target offset derivative 0: every lane updates the same element. */
static tcc_stat store_uniform(struct tcc_llvm_env *env, LLVMValueRef addr, LLVMValueRef v)
{
	struct tcc_llvm *cg = env->cg;
	const struct tcc_kstmt *s = env->s;
	int dt = s->target->u.buf->dtype;
	LLVMValueRef old, x;

	if (s->update == TCC_KUPD_ASSIGN) { /* the last lane's value stays */
		x = LLVMBuildExtractElement(cg->b, v, lane(cg, env->vw - 1), "");
	} else {
		if (!(old = tcc_llvm_load_elem(cg, addr, dt)))
			return -1;
		x = tcc_llvm_update(cg, s->update, dt, old, reduce(cg, s->update, dt, v));
	}
	tcc_llvm_store_elem(cg, addr, x, dt);
	return 0;
}

/* One statement instance for all lanes (the body passed tcc_llvm_vstmt_ok). */
static tcc_stat vstmt(struct tcc_llvm_env *env)
{
	struct tcc_llvm *cg = env->cg;
	const struct tcc_kstmt *s = env->s;
	int dt = s->target->u.buf->dtype, w = env->vw;
	int64_t d = access_deriv(env->dits, s->target);
	LLVMTypeRef mt = tcc_llvm_dtype(cg, dt, s->loc);
	struct tcc_llvm_env s0 = *env;
	LLVMValueRef addr, v, ptrs = NULL, old;

	s0.vw = 0;
	addr = mt ? tcc_llvm_elem_addr(&s0, s->target) : NULL;
	v = addr ? tcc_llvm_expr(env, s->rhs) : NULL;
	if (!v)
		return -1;
	if (d == 0)
		return store_uniform(env, addr, v);
	if (d != 1)
		ptrs = lane_ptrs(env, s->target, addr, d, mt);
	if (s->update != TCC_KUPD_ASSIGN) {
		old = from_mem(cg, ptrs ? gather(cg, ptrs, mt, w) : vec_load(cg, addr, mt, w), dt);
		v = tcc_llvm_update(cg, s->update, dt, old, v);
	}
	if (ptrs)
		scatter(cg, to_mem(cg, v, dt, w), ptrs, mt, w);
	else
		vec_store(cg, to_mem(cg, v, dt, w), addr, mt);
	return 0;
}

/* ---- which bodies ---- */

/* 1 when "e" loads "buf". */
static int loads(const struct tcc_kexpr *e, const struct tcc_kbuf *buf)
{
	if (e->op == TCC_KOP_LOAD && e->u.buf == buf)
		return 1;
	for (int i = 0; i < e->nargs; i++)
		if (loads(e->args[i], buf))
			return 1;
	return 0;
}

/* 1 when no value of "e" is half/bfloat; *size gets the largest element size loaded. */
static int no_half(const struct tcc_kexpr *e, int *size)
{
	if (is_half(e->dtype) || (e->op == TCC_KOP_LOAD && is_half(e->u.buf->dtype)) ||
	    tcc_llvm_is_subbyte(e->dtype) ||
	    (e->op == TCC_KOP_LOAD && tcc_llvm_is_subbyte(e->u.buf->dtype)))
		return 0;
	if (e->op == TCC_KOP_LOAD && tcc_llvm_dtype_size(e->u.buf->dtype) > *size)
		*size = (int)tcc_llvm_dtype_size(e->u.buf->dtype);
	for (int i = 0; i < e->nargs; i++)
		if (!no_half(e->args[i], size))
			return 0;
	return 1;
}

/* One statement: its largest element size, or 0 when it is not vectorized. */
static int vstmt_ok(const struct tcc_kstmt *s, const int64_t *dits)
{
	int size = 0;

	if (!no_half(s->target, &size) || !no_half(s->rhs, &size) ||
	    access_deriv(dits, s->target) == TCC_LLVM_NODERIV || loads(s->rhs, s->target->u.buf))
		return 0;
	return size;
}

/* ---- the loop ---- */

/* The statements of the loop body with the derivative of each of their iterators. */
struct vbody {
	int n;
	const struct tcc_kstmt **s;
	isl_ast_node **user;
	int64_t **dits;
};

static void vbody_free(struct vbody *vb)
{
	for (int i = 0; i < vb->n; i++) {
		isl_ast_node_free(vb->user[i]);
		free(vb->dits[i]);
	}
	free(vb->s);
	free(vb->user);
	free(vb->dits);
}

/* d e / d id for an isl AST expression. */
static int64_t ast_deriv(__isl_keep isl_ast_expr *e, __isl_keep isl_id *id)
{
	enum isl_ast_expr_type t = isl_ast_expr_get_type(e);
	isl_size n;
	int64_t d[2] = { 0, 0 }, c[2] = { 0, 0 }, any = 0;
	int lit[2] = { 0, 0 };

	if (t == isl_ast_expr_id) {
		isl_id *x = isl_ast_expr_get_id(e);
		int64_t r = x == id;

		isl_id_free(x);
		return r;
	}
	if (t != isl_ast_expr_op)
		return 0;
	n = isl_ast_expr_op_get_n_arg(e);
	for (isl_size i = 0; i < n; i++) {
		isl_ast_expr *a = isl_ast_expr_op_get_arg(e, i);
		int64_t da = a ? ast_deriv(a, id) : TCC_LLVM_NODERIV;

		if (i < 2 && a && isl_ast_expr_get_type(a) == isl_ast_expr_int) {
			isl_val *v = isl_ast_expr_get_val(a);

			lit[i] = 1;
			c[i] = isl_val_get_num_si(v);
			isl_val_free(v);
		}
		if (i < 2)
			d[i] = da;
		any |= da != 0;
		isl_ast_expr_free(a);
	}
	switch (isl_ast_expr_op_get_type(e)) {
	case isl_ast_expr_op_add:
		return dadd(d[0], d[1]);
	case isl_ast_expr_op_sub:
		return dadd(d[0], dmul(d[1], -1));
	case isl_ast_expr_op_minus:
		return dmul(d[0], -1);
	case isl_ast_expr_op_mul:
		if (lit[0] || lit[1])
			return lit[0] ? dmul(d[1], c[0]) : dmul(d[0], c[1]);
		break;
	default:
		break;
	}
	return any ? TCC_LLVM_NODERIV : 0;
}

/* Add user node "user" to "vb"; 0 when its statement is not vectorized. */
static int vbody_add(struct tcc_kgen *g, struct vbody *vb, __isl_take isl_ast_node *user,
		     __isl_keep isl_id *id, int *size)
{
	const struct tcc_kstmt *s = tcc_kgen_user_stmt(g, user);
	isl_ast_expr *call = isl_ast_node_user_get_expr(user);
	int64_t *dits = s ? calloc((size_t)s->niters + 1, sizeof(*dits)) : NULL;
	int i = vb->n++, sz;

	vb->s[i] = s;
	vb->user[i] = user;
	vb->dits[i] = dits;
	for (int a = 0; dits && a < s->niters; a++) {
		isl_ast_expr *arg = isl_ast_expr_op_get_arg(call, a + 1);

		dits[a] = arg ? ast_deriv(arg, id) : TCC_LLVM_NODERIV;
		isl_ast_expr_free(arg);
	}
	isl_ast_expr_free(call);
	sz = dits ? vstmt_ok(s, dits) : 0;
	if (sz > *size)
		*size = sz;
	return sz > 0;
}

/* 1 when statements of the block share no buffer that one of them writes. */
static int vbody_independent(const struct vbody *vb)
{
	for (int i = 0; i < vb->n; i++)
		for (int j = 0; j < vb->n; j++) {
			const struct tcc_kbuf *t = vb->s[i]->target->u.buf;

			if (i != j && (vb->s[j]->target->u.buf == t || loads(vb->s[j]->rhs, t)))
				return 0;
		}
	return 1;
}

/* The body of "node" when it is vectorized: *size the largest element size; 0 if not. */
static int vbody_get(struct tcc_kgen *g, __isl_keep isl_ast_node *node, struct vbody *vb,
		     int *size)
{
	isl_ast_node *body = isl_ast_node_for_get_body(node);
	isl_ast_node_list *list = NULL;
	isl_id *id = tcc_kgen_for_id(node);
	isl_size n = 1;
	int ok = body != NULL;

	if (ok && isl_ast_node_get_type(body) == isl_ast_node_block) {
		list = isl_ast_node_block_get_children(body);
		n = isl_ast_node_list_size(list);
	}
	vb->s = calloc((size_t)(n > 0 ? n : 1), sizeof(*vb->s));
	vb->user = calloc((size_t)(n > 0 ? n : 1), sizeof(*vb->user));
	vb->dits = calloc((size_t)(n > 0 ? n : 1), sizeof(*vb->dits));
	ok = ok && n > 0 && vb->s && vb->user && vb->dits;
	for (isl_size i = 0; i < n && ok; i++) {
		isl_ast_node *u = list ? isl_ast_node_list_get_at(list, i) : isl_ast_node_copy(body);

		ok = u && isl_ast_node_get_type(u) == isl_ast_node_user;
		if (ok)
			ok = vbody_add(g, vb, u, id, size);
		else
			isl_ast_node_free(u);
	}
	isl_ast_node_list_free(list);
	isl_ast_node_free(body);
	isl_id_free(id);
	return ok && vbody_independent(vb);
}

/* The <w x i64> lanes of a statement iterator, the ISL expression "arg" of the loop
 * iterator "id" (lane 0: "x0" at "iv"): affine → splat(x0) + d·<0..>, else lane by lane. */
static LLVMValueRef iter_lanes(struct tcc_kgen *g, __isl_keep isl_ast_expr *arg, int64_t d,
			       int w, __isl_keep isl_id *id, LLVMValueRef iv, LLVMValueRef x0)
{
	struct tcc_llvm *cg = g->cg;
	LLVMValueRef v = LLVMGetUndef(LLVMVectorType(cg->t_i64, (unsigned)w));

	if (d != TCC_LLVM_NODERIV)
		return LLVMBuildAdd(cg->b, splat(cg, x0, w), steps(cg, d, w), "");
	for (int l = 0; l < w && v; l++) {
		LLVMValueRef x = LLVMBuildAdd(cg->b, iv, LLVMConstInt(cg->t_i64,
					      (unsigned long long)l, 0), "");

		if (tcc_kgen_push_id(g, isl_id_copy(id), x) < 0)
			return NULL;
		x = tcc_kgen_ast_expr(g, arg);
		tcc_kgen_pop_id(g);
		v = x ? LLVMBuildInsertElement(cg->b, v, x, lane(cg, l), "") : NULL;
	}
	return v;
}

/* Statement "i" of "vb" for all "w" lanes; lane 0 of the loop iterator "id" is "iv". */
static tcc_stat gen_vuser(struct tcc_kgen *g, struct vbody *vb, int i, int w,
			  __isl_keep isl_id *id, LLVMValueRef iv)
{
	const struct tcc_kstmt *s = vb->s[i];
	isl_ast_expr *call = isl_ast_node_user_get_expr(vb->user[i]);
	LLVMValueRef iters[s->niters + 1], lanes[s->niters + 1];
	struct tcc_llvm_env env = { .cg = g->cg, .s = s, .bufs = g->bufs, .iters = iters,
				    .vw = w, .lanes = lanes, .dits = vb->dits[i] };
	tcc_stat r = call ? 0 : -1;

	for (int a = 0; a < s->niters && r == 0; a++) {
		isl_ast_expr *arg = isl_ast_expr_op_get_arg(call, a + 1);

		iters[a] = arg ? tcc_kgen_ast_expr(g, arg) : NULL;
		lanes[a] = iters[a] ? iter_lanes(g, arg, vb->dits[i][a], w, id, iv, iters[a]) : NULL;
		r = lanes[a] ? 0 : -1;
		isl_ast_expr_free(arg);
	}
	isl_ast_expr_free(call);
	return r == 0 ? vstmt(&env) : -1;
}

/* The lanes per chunk: vector bytes / "size", at most 16, halved while above a constant
 * trip count; 1 means no vector code. */
static int pick_width(struct tcc_llvm *cg, int size, LLVMValueRef init, LLVMValueRef ub)
{
	int w = tcc_llvm_vector_bytes(cg) / (size > 0 ? size : 1);

	if (w > 16)
		w = 16;
	if (LLVMIsAConstantInt(init) && LLVMIsAConstantInt(ub)) {
		long long t = LLVMConstIntGetSExtValue(ub) - LLVMConstIntGetSExtValue(init);

		while (w > 1 && w > t)
			w /= 2;
	}
	return w;
}

/* for (it = init; it + w <= ub; it += w) vector body; then the scalar loop from it. */
static tcc_stat vloop(struct tcc_kgen *g, __isl_keep isl_ast_node *node, struct vbody *vb,
		      int w, LLVMValueRef init, LLVMValueRef ub)
{
	struct tcc_llvm *cg = g->cg;
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(cg->b), head = tcc_kgen_block(g, "vloop");
	LLVMBasicBlockRef body = tcc_kgen_block(g, "vbody"), exit = tcc_kgen_block(g, "vexit");
	LLVMValueRef wv = LLVMConstInt(cg->t_i64, (unsigned long long)w, 0), iv, next;
	isl_id *id = tcc_kgen_for_id(node);
	tcc_stat r = 0;

	g->nloops++;
	LLVMBuildBr(cg->b, head);
	LLVMPositionBuilderAtEnd(cg->b, head);
	iv = LLVMBuildPhi(cg->b, cg->t_i64, "v");
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLE, LLVMBuildNSWAdd(cg->b, iv, wv, ""),
					     ub, ""), body, exit);
	LLVMPositionBuilderAtEnd(cg->b, body);
	if (tcc_kgen_push_id(g, isl_id_copy(id), iv) < 0)
		r = -1;
	for (int i = 0; i < vb->n && r == 0; i++)
		r = gen_vuser(g, vb, i, w, id, iv);
	if (r == 0)
		tcc_kgen_pop_id(g);
	isl_id_free(id);
	if (r < 0)
		return -1;
	next = LLVMBuildNSWAdd(cg->b, iv, wv, "");
	LLVMBuildBr(cg->b, head);
	LLVMAddIncoming(iv, &init, &pre, 1);
	LLVMAddIncoming(iv, &next, (LLVMBasicBlockRef[]){ LLVMGetInsertBlock(cg->b) }, 1);
	LLVMPositionBuilderAtEnd(cg->b, exit);
	return tcc_kgen_loop(g, node, iv);
}

tcc_stat tcc_kgen_vector(__tcc_keep struct tcc_kgen *g, __isl_keep isl_ast_node *node)
{
	LLVMValueRef init, ub;
	int64_t stride;
	int shape = tcc_kgen_loop_shape(g, node, &init, &ub, &stride), size = 0, w = 1;
	struct vbody vb = { 0 };
	tcc_stat r;

	if (shape < 0)
		return -1;
	if (shape == 1 && stride == 1 && vbody_get(g, node, &vb, &size))
		w = pick_width(g->cg, size, init, ub);
	r = w > 1 ? vloop(g, node, &vb, w, init, ub) : tcc_kgen_loop(g, node, init);
	vbody_free(&vb);
	return r;
}
