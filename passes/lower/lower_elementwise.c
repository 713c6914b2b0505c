/* Elementwise ops with multidirectional (numpy) broadcasting: one statement over the output
 * shape; every input is loaded with broadcast subscripts (leading dims dropped, size-1 dims
 * read at 0). */
#include <math.h>
#include <string.h>

#include "passes/lower/lower_private.h"

/* Ops that map to one kernel op over all their inputs (variadic ones fold left). */
static const struct {
	const char *op;
	enum tcc_kop kop;
} direct[] = {
	{ "Add", TCC_KOP_ADD }, { "Sub", TCC_KOP_SUB }, { "Mul", TCC_KOP_MUL },
	{ "Div", TCC_KOP_DIV }, { "Sqrt", TCC_KOP_SQRT }, { "Exp", TCC_KOP_EXP },
	{ "Log", TCC_KOP_LOG }, { "Neg", TCC_KOP_NEG }, { "Reciprocal", TCC_KOP_RECIP },
	{ "Relu", TCC_KOP_RELU }, { "Sigmoid", TCC_KOP_SIGMOID }, { "Tanh", TCC_KOP_TANH },
	{ "Erf", TCC_KOP_ERF }, { "Floor", TCC_KOP_FLOOR }, { "Ceil", TCC_KOP_CEIL },
	{ "Sign", TCC_KOP_SIGN }, { "Sin", TCC_KOP_SIN }, { "Cos", TCC_KOP_COS },
	{ "Min", TCC_KOP_MIN }, { "Max", TCC_KOP_MAX }, { "Sum", TCC_KOP_ADD },
	{ "Equal", TCC_KOP_EQ }, { "Less", TCC_KOP_LT }, { "Greater", TCC_KOP_GT },
	{ "LessOrEqual", TCC_KOP_LE }, { "GreaterOrEqual", TCC_KOP_GE }, { "Not", TCC_KOP_NOT },
	{ "And", TCC_KOP_AND }, { "Or", TCC_KOP_OR }, { "Xor", TCC_KOP_XOR },
	{ "Tan", TCC_KOP_TAN }, { "Asin", TCC_KOP_ASIN }, { "Acos", TCC_KOP_ACOS },
	{ "Atan", TCC_KOP_ATAN }, { "Sinh", TCC_KOP_SINH }, { "Cosh", TCC_KOP_COSH },
	{ "Asinh", TCC_KOP_ASINH }, { "Acosh", TCC_KOP_ACOSH }, { "Atanh", TCC_KOP_ATANH },
	{ "BitwiseNot", TCC_KOP_NOT }, { "BitwiseAnd", TCC_KOP_AND },
	{ "BitwiseOr", TCC_KOP_OR }, { "BitwiseXor", TCC_KOP_XOR },
};

/* Ops whose inputs must be float (the transcendental ones without integer kernels). */
static const char *const float_only[] = { "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh",
					  "Asinh", "Acosh", "Atanh" };

/* Ops whose inputs must be integers (not bool). */
static const char *const int_only[] = { "BitwiseNot", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
					"BitShift" };

static int in_list(const char *const *list, size_t n, const char *op)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], op))
			return 1;
	return 0;
}

static int find_direct(const char *op)
{
	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
		if (!strcmp(direct[i].op, op))
			return (int)i;
	return -1;
}

static int in_dtype(const struct tcc_node *n)
{
	return n->ninputs && n->inputs[0] ? n->inputs[0]->type.elem : TCC_DT_UNDEFINED;
}

static kexpr *fold(struct lk *lk, enum tcc_kop op, kexpr **a, int na)
{
	kexpr *e = a[0];

	if (tcc_kop_class(op) == TCC_KCLS_FN1 || op == TCC_KOP_NEG)
		return ke1(lk, op, e);
	for (int i = 1; i < na; i++)
		e = ke2(lk, op, e, a[i]);
	return e;
}

/* ONNX Round: halves to even. r = floor(x); d = x - r; d > .5 → r+1, d < .5 → r, else r plus
 * the parity of r. */
static kexpr *round_even(struct lk *lk, kexpr *x, int t)
{
	kexpr *r = ke1(lk, TCC_KOP_FLOOR, x);
	kexpr *d = ke2(lk, TCC_KOP_SUB, x, r);
	kexpr *half = ke_lit(lk, t, 0.5);
	kexpr *par = ke2(lk, TCC_KOP_SUB, r, ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, 2.0),
			  ke1(lk, TCC_KOP_FLOOR, ke2(lk, TCC_KOP_MUL, r, ke_lit(lk, t, 0.5)))));

	return ke_sel(lk, ke2(lk, TCC_KOP_GT, d, half), ke2(lk, TCC_KOP_ADD, r, ke_lit(lk, t, 1)),
		      ke_sel(lk, ke2(lk, TCC_KOP_LT, d, half), r, ke2(lk, TCC_KOP_ADD, r, par)));
}

static kexpr *gelu(struct lk *lk, const struct tcc_node *n, kexpr *x, int t)
{
	const char *ap = tcc_node_attr_string(n, "approximate", "none");
	kexpr *in;

	if (!strcmp(ap, "tanh")) {
		kexpr *x3 = ke2(lk, TCC_KOP_MUL, x, ke2(lk, TCC_KOP_MUL, x, x));

		in = ke2(lk, TCC_KOP_ADD, x, ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, 0.044715), x3));
		in = ke1(lk, TCC_KOP_TANH, ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, sqrt(2.0 / M_PI)), in));
	} else {
		in = ke1(lk, TCC_KOP_ERF, ke2(lk, TCC_KOP_MUL, x, ke_lit(lk, t, M_SQRT1_2)));
	}
	in = ke2(lk, TCC_KOP_ADD, ke_lit(lk, t, 1.0), in);
	return ke2(lk, TCC_KOP_MUL, ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, 0.5), x), in);
}

/* x clipped to [lo, hi]; either bound may be absent. */
static kexpr *clip(struct lk *lk, const struct tcc_node *n, kexpr **a, int t)
{
	kexpr *x = a[0], *lo = n->ninputs > 1 ? a[1] : NULL, *hi = n->ninputs > 2 ? a[2] : NULL;

	if (lower_node_opset(lk->L) < 11) {
		if (tcc_node_find_attr(n, "min"))
			lo = ke_lit(lk, t, tcc_node_attr_float(n, "min", 0));
		if (tcc_node_find_attr(n, "max"))
			hi = ke_lit(lk, t, tcc_node_attr_float(n, "max", 0));
	}
	if (lo)
		x = ke2(lk, TCC_KOP_MAX, x, lo);
	if (hi)
		x = ke2(lk, TCC_KOP_MIN, x, hi);
	return x;
}

/* Mod: fmod=1 is C's fmod / %; fmod=0 (integers) takes the sign of the divisor. */
static kexpr *mod(struct lk *lk, const struct tcc_node *n, kexpr **a, int t)
{
	kexpr *r = ke2(lk, TCC_KOP_REM, a[0], a[1]), *fix;

	if (tcc_node_attr_int(n, "fmod", 0) || !tcc_dtype_is_signed(t))
		return r;
	fix = ke2(lk, TCC_KOP_AND, ke2(lk, TCC_KOP_NE, r, ke_int(lk, 0)),
		  ke2(lk, TCC_KOP_NE, ke2(lk, TCC_KOP_LT, r, ke_int(lk, 0)),
		      ke2(lk, TCC_KOP_LT, a[1], ke_int(lk, 0))));
	return ke_sel(lk, fix, ke2(lk, TCC_KOP_ADD, r, a[1]), r);
}

static kexpr *pow_expr(struct lk *lk, kexpr **a, int t, int t1)
{
	if (tcc_dtype_is_float(t))
		return ke2(lk, TCC_KOP_POW, a[0], t1 == t ? a[1] : ke_cast(lk, t, a[1]));
	return ke_cast(lk, t, ke2(lk, TCC_KOP_POW, ke_cast(lk, TCC_DT_DOUBLE, a[0]),
				  ke_cast(lk, TCC_DT_DOUBLE, a[1])));
}

static float fattr(const struct tcc_node *n, const char *name, float dflt)
{
	return tcc_node_attr_float(n, name, dflt);
}

/* Activations with parameters: LeakyRelu Elu Selu HardSigmoid HardSwish Softplus Softsign
 * PRelu Celu ThresholdedRelu. */
static kexpr *activation(struct lk *lk, const struct tcc_node *n, kexpr **a, int t)
{
	const char *op = n->op_type;
	kexpr *x = a[0], *neg = ke2(lk, TCC_KOP_LT, x, ke_lit(lk, t, 0));
	kexpr *one = ke_lit(lk, t, 1), *zero = ke_lit(lk, t, 0), *e;

	if (!strcmp(op, "LeakyRelu"))
		return ke_sel(lk, neg, ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, fattr(n, "alpha", 0.01f)),
					   x), x);
	if (!strcmp(op, "PRelu"))
		return ke_sel(lk, neg, ke2(lk, TCC_KOP_MUL, a[1], x), x);
	if (!strcmp(op, "Elu") || !strcmp(op, "Celu")) {
		float al = fattr(n, "alpha", 1.0f);

		e = ke1(lk, TCC_KOP_EXP, !strcmp(op, "Celu") ?
			ke2(lk, TCC_KOP_DIV, x, ke_lit(lk, t, al)) : x);
		e = ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, al), ke2(lk, TCC_KOP_SUB, e, one));
		return ke_sel(lk, neg, e, x);
	}
	if (!strcmp(op, "Selu")) {
		float al = fattr(n, "alpha", 1.67326319217681884765625f);
		float ga = fattr(n, "gamma", 1.05070102214813232421875f);

		e = ke2(lk, TCC_KOP_SUB, ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, al), ke1(lk, TCC_KOP_EXP, x)),
			ke_lit(lk, t, al));
		e = ke_sel(lk, ke2(lk, TCC_KOP_LE, x, zero), e, x);
		return ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, ga), e);
	}
	if (!strcmp(op, "HardSigmoid") || !strcmp(op, "HardSwish")) {
		int sw = !strcmp(op, "HardSwish");
		float al = sw ? 1.0f / 6 : fattr(n, "alpha", 0.2f), be = sw ? 0.5f : fattr(n, "beta", 0.5f);

		e = ke2(lk, TCC_KOP_ADD, ke2(lk, TCC_KOP_MUL, ke_lit(lk, t, al), x), ke_lit(lk, t, be));
		e = ke2(lk, TCC_KOP_MAX, zero, ke2(lk, TCC_KOP_MIN, one, e));
		return sw ? ke2(lk, TCC_KOP_MUL, x, e) : e;
	}
	if (!strcmp(op, "Softplus"))
		return ke1(lk, TCC_KOP_LOG, ke2(lk, TCC_KOP_ADD, ke1(lk, TCC_KOP_EXP, x), one));
	if (!strcmp(op, "Softsign"))
		return ke2(lk, TCC_KOP_DIV, x, ke2(lk, TCC_KOP_ADD, one, ke1(lk, TCC_KOP_ABS, x)));
	if (!strcmp(op, "ThresholdedRelu"))
		return ke_sel(lk, ke2(lk, TCC_KOP_GT, x, ke_lit(lk, t, fattr(n, "alpha", 1.0f))), x,
			      zero);
	return NULL;
}

static kexpr *is_inf(struct lk *lk, const struct tcc_node *n, kexpr *x, int t)
{
	int pos = (int)tcc_node_attr_int(n, "detect_positive", 1);
	int neg = (int)tcc_node_attr_int(n, "detect_negative", 1);
	kexpr *p = ke2(lk, TCC_KOP_EQ, x, ke_lit(lk, t, INFINITY));
	kexpr *m = ke2(lk, TCC_KOP_EQ, x, ke_lit(lk, t, -INFINITY));

	if (pos && neg)
		return ke2(lk, TCC_KOP_OR, p, m);
	if (pos)
		return p;
	if (neg)
		return m;
	return ke2(lk, TCC_KOP_AND, p, m);
}

/* Largest finite value of a float8 format (e8m0 saturates in codegen instead). */
static double f8_max(int dt)
{
	switch (dt) {
	case TCC_DT_FLOAT8E4M3FN: return 448;
	case TCC_DT_FLOAT8E4M3FNUZ: return 240;
	case TCC_DT_FLOAT8E5M2: case TCC_DT_FLOAT8E5M2FNUZ: return 57344;
	default: return 0;
	}
}

/* Cast/CastLike. The kernel cast to a float8 type overflows to inf (or NaN where the format
 * has no inf), as saturate=0 asks; saturate=1 (the default) clamps x to the format's finite
 * range first, NaN passing through (ONNX Cast-19: inf and out-of-range go to +-max). */
static kexpr *cast(struct lk *lk, const struct tcc_node *n, kexpr *x, int t, int dt)
{
	double m = f8_max(dt);

	if (dt == TCC_DT_BOOL)
		return ke2(lk, TCC_KOP_NE, x, ke_lit(lk, t, 0));
	if (dt == t)
		return x;
	if (m > 0 && tcc_node_attr_int(n, "saturate", 1))
		x = ke_sel(lk, ke2(lk, TCC_KOP_GT, x, ke_lit(lk, t, m)), ke_lit(lk, t, m),
			   ke_sel(lk, ke2(lk, TCC_KOP_LT, x, ke_lit(lk, t, -m)),
				  ke_lit(lk, t, -m), x));
	return ke_cast(lk, dt, x);
}

kexpr *lower_ew_expr(struct lk *lk, const struct tcc_node *n, kexpr **a, int dt)
{
	const char *op = n->op_type;
	int t = in_dtype(n), d = find_direct(op);

	if (d >= 0)
		return fold(lk, direct[d].kop, a, n->ninputs);
	if (!strcmp(op, "Abs"))
		return tcc_dtype_is_signed(t) || tcc_dtype_is_float(t) ? ke1(lk, TCC_KOP_ABS, a[0]) : a[0];
	if (!strcmp(op, "Identity"))
		return a[0];
	if (!strcmp(op, "Cast") || !strcmp(op, "CastLike"))
		return cast(lk, n, a[0], t, dt);
	if (!strcmp(op, "Mean"))
		return ke2(lk, TCC_KOP_DIV, fold(lk, TCC_KOP_ADD, a, n->ninputs),
			   ke_lit(lk, t, n->ninputs));
	if (!strcmp(op, "Pow"))
		return pow_expr(lk, a, t, n->inputs[1]->type.elem);
	if (!strcmp(op, "Round"))
		return round_even(lk, a[0], t);
	if (!strcmp(op, "Gelu"))
		return gelu(lk, n, a[0], t);
	if (!strcmp(op, "Clip"))
		return clip(lk, n, a, t);
	if (!strcmp(op, "Mod"))
		return mod(lk, n, a, t);
	if (!strcmp(op, "Where"))
		return ke_sel(lk, a[0], a[1], a[2]);
	if (!strcmp(op, "IsNaN"))
		return ke2(lk, TCC_KOP_NE, a[0], a[0]);
	if (!strcmp(op, "IsInf"))
		return is_inf(lk, n, a[0], t);
	if (!strcmp(op, "BitShift"))
		return ke2(lk, strcmp(tcc_node_attr_string(n, "direction", ""), "LEFT") ?
			   TCC_KOP_SHR : TCC_KOP_SHL, a[0], a[1]);
	return activation(lk, n, a, t);
}

static tcc_stat lower_ew(struct lower *L, struct tcc_node *n)
{
	struct tcc_value *out = n->outputs[0];
	kexpr *a[LK_MAXR * 4] = { 0 }, *subs[LK_MAXR];
	int32_t rank;
	const int64_t *dims;
	struct tcc_kstmt *s;
	struct tcc_kbuf *ob;
	struct lk lk;

	if (lower_shape(out, &rank, &dims) < 0 || n->ninputs > LK_MAXR * 4)
		return lower_unsupported(L, n, "too many inputs or no static shape");
	if (lk_begin(&lk, L, n, NULL) < 0)
		return -1;
	s = lk_stmt(&lk, rank, dims);
	/* CastLike reads only the type of input 1, whose shape need not broadcast */
	for (int i = 0; i < (tcc_node_is(n, "CastLike") ? 1 : n->ninputs); i++)
		if (n->inputs[i])
			a[i] = ke_bload(&lk, n->inputs[i], 0, rank);
	ob = lk_out(&lk, out);
	ke_iters(&lk, 0, rank, subs);
	lk_body(&lk, s, ob, subs, TCC_KUPD_ASSIGN, lower_ew_expr(&lk, n, a, lower_dtype(out)));
	return lk_end(&lk);
}

static int wide_float(int dt)
{
	return dt == TCC_DT_FLOAT || dt == TCC_DT_DOUBLE || dt == TCC_DT_FLOAT16 ||
	       dt == TCC_DT_BFLOAT16;
}

/* A cast from or to a float8 type needs a float16/bfloat16/float/double on the other side;
 * to float8e8m0 only round_mode "up" with saturate=1 is generated. */
static const char *check_f8_cast(const struct tcc_node *n, int t, int dt)
{
	if (lower_dtype_is_subbyte(t) || lower_dtype_is_subbyte(dt)) {
		int o = lower_dtype_is_subbyte(t) ? dt : t;

		if (lower_dtype_is_subbyte(o) || lower_dtype_is_f8(o) || o == TCC_DT_BOOL)
			return "int4/int2/float4 casts need a float or integer on the other side";
		return NULL;
	}
	if (!lower_dtype_is_f8(t) && !lower_dtype_is_f8(dt))
		return NULL;
	if (!wide_float(lower_dtype_is_f8(t) ? dt : t))
		return "float8 casts need a float16/bfloat16/float/double on the other side";
	if (dt == TCC_DT_FLOAT8E8M0 && (!tcc_node_attr_int(n, "saturate", 1) ||
	    strcmp(tcc_node_attr_string(n, "round_mode", "up"), "up")))
		return "casts to float8e8m0 need saturate=1 and round_mode \"up\"";
	return NULL;
}

static const char *check_ew(struct lower *L, const struct tcc_node *n)
{
	int t = in_dtype(n);
	const char *op = n->op_type;

	(void)L;
	if (n->noutputs != 1 || !n->outputs[0])
		return "expects one output";
	if (in_list(float_only, sizeof(float_only) / sizeof(float_only[0]), op) &&
	    !tcc_dtype_is_float(t))
		return "needs a float input";
	if (in_list(int_only, sizeof(int_only) / sizeof(int_only[0]), op) && !tcc_dtype_is_int(t))
		return "needs an integer input";
	if (!strcmp(op, "BitShift")) {
		const char *dir = tcc_node_attr_string(n, "direction", "");

		if (strcmp(dir, "LEFT") && strcmp(dir, "RIGHT"))
			return "BitShift direction must be LEFT or RIGHT";
		if (n->ninputs != 2 || !n->inputs[1] || n->inputs[1]->type.elem != t)
			return "BitShift needs two inputs of one type";
	}
	if (!strcmp(op, "Cast") || !strcmp(op, "CastLike")) {
		const char *w = check_f8_cast(n, t, lower_dtype(n->outputs[0]));

		if (w)
			return w;
	}
	if (!strcmp(op, "Mod") && tcc_dtype_is_float(t) && !tcc_node_attr_int(n, "fmod", 0))
		return "Mod of floats needs fmod=1";
	if (!strcmp(op, "Gelu")) {
		const char *ap = tcc_node_attr_string(n, "approximate", "none");

		if (strcmp(ap, "none") && strcmp(ap, "tanh"))
			return "Gelu approximate must be none or tanh";
	}
	for (int i = 0; i < n->ninputs; i++)
		if (!n->inputs[i] && strcmp(op, "Clip"))
			return "an input is missing";
	return NULL;
}

int lower_is_elementwise(const struct tcc_node *n)
{
	for (const struct lower_op *o = lower_ops_elementwise; o->op; o++)
		if (!strcmp(o->op, n->op_type))
			return 1;
	return 0;
}

#define EW(name) { name, lower_ew, check_ew }
const struct lower_op lower_ops_elementwise[] = {
	EW("Add"), EW("Sub"), EW("Mul"), EW("Div"), EW("Pow"), EW("Sqrt"), EW("Exp"), EW("Log"),
	EW("Abs"), EW("Neg"), EW("Reciprocal"), EW("Relu"), EW("LeakyRelu"), EW("Sigmoid"),
	EW("Tanh"), EW("Erf"), EW("Gelu"), EW("Clip"), EW("Min"), EW("Max"), EW("Sum"),
	EW("Mean"), EW("Equal"), EW("Less"), EW("Greater"), EW("LessOrEqual"),
	EW("GreaterOrEqual"), EW("Not"), EW("And"), EW("Or"), EW("Xor"), EW("Where"),
	EW("Floor"), EW("Ceil"), EW("Round"), EW("Sign"), EW("Sin"), EW("Cos"), EW("Elu"),
	EW("Celu"), EW("Selu"), EW("HardSigmoid"), EW("HardSwish"), EW("Softplus"),
	EW("Softsign"), EW("PRelu"), EW("ThresholdedRelu"), EW("Mod"), EW("Identity"),
	EW("Cast"), EW("CastLike"), EW("IsNaN"), EW("IsInf"), EW("Tan"), EW("Asin"),
	EW("Acos"), EW("Atan"), EW("Sinh"), EW("Cosh"), EW("Asinh"), EW("Acosh"), EW("Atanh"),
	EW("BitwiseNot"), EW("BitwiseAnd"), EW("BitwiseOr"), EW("BitwiseXor"), EW("BitShift"),
	{ NULL, NULL, NULL },
};
