/* Shape and type inference: one table of cases per op family, each a node built with the
 * graph builder API from a compact text description, and the inferred output types (or the
 * error message) compared as text. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/graph/infer.h"
#include "passes/pass.h"

/* One case: "op" at "opset" with "inputs" such as
 *   "float[N,3,8,8] x, float[4,3,3,3] w, int64[2] s=[0,-1], int64 k=5, _, float y"
 * (dims: numbers, '?' unknown, names symbolic; no brackets: unknown rank; "=[..]" or "=v"
 * makes an initializer; "_" an omitted input), "attrs" such as
 *   "is:kernel_shape=3,3; i:group=1; s:auto_pad=VALID; f:alpha=0.5; fs:scales=1,2"
 * "nout" outputs, and "want": the outputs' types joined by "; " ("float[*]" unknown rank,
 * "?" unknown), or "!text" for an error whose message contains text. */
struct icase {
	const char *op;
	int opset;
	const char *inputs;
	const char *attrs;
	int nout;
	const char *want;
};

struct fx {
	struct tcc_ctx *ctx;
	struct tcc_model *m;
	struct tcc_graph *g;
};

static void fx_init(struct fx *f)
{
	f->ctx = tcc_ctx_new();
	ck_assert_ptr_nonnull(f->ctx);
	f->m = tcc_model_new(f->ctx, "test");
	f->g = f->m->graph;
	if (!f->g) {
		f->g = tcc_graph_new(f->ctx, NULL);
		f->m->graph = f->g;
	}
}

static char *dup_span(struct fx *f, const char *s, size_t n)
{
	return tcc_arena_strndup(f->ctx->arena, s, n);
}

/* Parse "dims" between brackets into t. */
static void parse_dims(struct fx *f, struct tcc_type *t, int elem, const char *s, const char *e)
{
	int64_t dims[16] = { 0 };
	const char *params[16] = { 0 };
	int32_t rank = 0;

	while (s < e) {
		const char *c = s;

		while (c < e && *c != ',')
			c++;
		ck_assert_int_lt(rank, 16);
		if (*s == '?')
			dims[rank] = -1;
		else if ((*s >= '0' && *s <= '9') || *s == '-')
			dims[rank] = strtoll(s, NULL, 10);
		else {
			dims[rank] = -1;
			params[rank] = dup_span(f, s, (size_t)(c - s));
		}
		rank++;
		s = c < e ? c + 1 : c;
	}
	tcc_type_set_tensor(f->ctx, t, elem, rank, dims);
	for (int32_t k = 0; k < rank; k++)
		t->dims[k].param = params[k];
}

/* An initializer for v of type t from "[a,b,...]" or "a". */
static void make_const(struct fx *f, struct tcc_value *v, const char *s)
{
	double vals[64];
	int64_t n = 0, dims[1];
	int list = *s == '[';
	struct tcc_tensor_data *t;

	s += list;
	while (*s && *s != ']' && *s != ',' && *s != ' ' && n < 64) {
		char *end;

		vals[n++] = strtod(s, &end);
		s = *end == ',' ? end + 1 : end;
	}
	dims[0] = n;
	t = tcc_tensor_new(f->ctx, f->g->loc, v->type.elem ? v->type.elem : TCC_DT_INT64,
			   list ? 1 : 0, dims);
	ck_assert_ptr_nonnull(t);
	for (int64_t i = 0; i < t->numel; i++) {
		if (tcc_dtype_is_float(t->dtype))
			tcc_tensor_set_f64(t, i, vals[i]);
		else
			tcc_tensor_set_i64(t, i, (int64_t)vals[i]);
	}
	tcc_type_set_tensor(f->ctx, &v->type, t->dtype, t->rank, t->dims);
	ck_assert_int_eq(tcc_graph_add_initializer(f->g, v, t), 0);
}

/* One input spec up to ',' at bracket depth 0; returns the rest. */
static const char *parse_input(struct fx *f, const char *s, struct tcc_value **out)
{
	const char *e = s, *sp, *lb;
	int depth = 0, elem;
	char name[64];
	struct tcc_value *v;

	while (*e && (depth || *e != ',')) {
		depth += (*e == '[') - (*e == ']');
		e++;
	}
	if (*s == '_') {
		*out = NULL;
		return *e ? e + 2 : e;
	}
	for (sp = s; *sp != ' '; sp++)
		;
	lb = memchr(s, '[', (size_t)(sp - s));
	elem = tcc_dtype_from_name(s, (size_t)((lb ? lb : sp) - s));
	sscanf(sp + 1, "%63[A-Za-z0-9_]", name);
	v = tcc_graph_new_value(f->g, name);
	ck_assert_ptr_nonnull(v);
	if (lb)
		parse_dims(f, &v->type, elem, lb + 1, strchr(lb, ']'));
	else
		tcc_type_set_tensor(f->ctx, &v->type, elem, -1, NULL);
	if (memchr(s, '=', (size_t)(e - s)))
		make_const(f, v, (const char *)memchr(s, '=', (size_t)(e - s)) + 1);
	else
		tcc_graph_add_input(f->g, v);
	*out = v;
	return *e ? e + 2 : e;
}

static void add_attr(struct tcc_node *n, const char *s, const char *e)
{
	char kind[4] = { 0 }, name[64] = { 0 };
	const char *val;
	struct tcc_attr *a;
	struct tcc_arena *ar = n->graph->ctx->arena;

	sscanf(s, "%3[a-z]:%63[A-Za-z_]", kind, name);
	val = strchr(s, '=') + 1;
	if (!strcmp(kind, "i")) {
		a = tcc_node_add_attr(n, name, TCC_ATTR_INT);
		a->u.i = strtoll(val, NULL, 10);
	} else if (!strcmp(kind, "f")) {
		a = tcc_node_add_attr(n, name, TCC_ATTR_FLOAT);
		a->u.f = strtof(val, NULL);
	} else if (!strcmp(kind, "s")) {
		a = tcc_node_add_attr(n, name, TCC_ATTR_STRING);
		a->u.s.data = tcc_arena_strndup(ar, val, (size_t)(e - val));
		a->u.s.len = (size_t)(e - val);
	} else {
		int fl = !strcmp(kind, "fs");

		a = tcc_node_add_attr(n, name, fl ? TCC_ATTR_FLOATS : TCC_ATTR_INTS);
		a->u.ints = tcc_arena_calloc(ar, 32, sizeof(int64_t));
		a->u.floats = (float *)a->u.ints;
		for (const char *p = val; p < e && a->n < 32;) {
			char *end;

			if (fl)
				a->u.floats[a->n++] = strtof(p, &end);
			else
				a->u.ints[a->n++] = strtoll(p, &end, 10);
			p = *end == ',' ? end + 1 : end;
			if (end == p && *end != ',')
				break;
		}
	}
}

static struct tcc_node *build(struct fx *f, const struct icase *c)
{
	struct tcc_value *ins[16], *outs[8];
	int nin = 0;
	struct tcc_node *n;

	for (const char *s = c->inputs; s && *s && nin < 16;)
		s = parse_input(f, s, &ins[nin++]);
	for (int i = 0; i < c->nout; i++) {
		char name[16];

		snprintf(name, sizeof(name), "out%d", i);
		outs[i] = tcc_graph_new_value(f->g, name);
	}
	n = tcc_graph_add_node(f->g, c->op, "", "n0", nin, ins, c->nout, outs, f->g->loc);
	ck_assert_ptr_nonnull(n);
	for (const char *s = c->attrs; s && *s;) {
		const char *e = strchr(s, ';');

		if (!e)
			e = s + strlen(s);
		add_attr(n, s, e);
		s = *e ? e + 2 : e;
	}
	return n;
}

static void type_str(char *buf, size_t size, const struct tcc_type *t)
{
	size_t len;

	if (t->kind != TCC_TYPE_TENSOR) {
		snprintf(buf, size, "none");
		return;
	}
	len = (size_t)snprintf(buf, size, "%s", t->elem ? tcc_dtype_name(t->elem) : "?");
	if (t->rank < 0) {
		snprintf(buf + len, size - len, "[*]");
		return;
	}
	len += (size_t)snprintf(buf + len, size - len, "[");
	for (int32_t k = 0; k < t->rank; k++) {
		const struct tcc_dim *d = &t->dims[k];

		if (d->value >= 0)
			len += (size_t)snprintf(buf + len, size - len, "%s%lld", k ? "," : "",
						(long long)d->value);
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? "," : "",
						d->param ? d->param : "?");
	}
	snprintf(buf + len, size - len, "]");
}

static void run_cases(const struct icase *cases, size_t ncases)
{
	for (size_t i = 0; i < ncases; i++) {
		const struct icase *c = &cases[i];
		struct fx f;
		struct tcc_node *n;
		char got[512] = "", one[128];
		int r;

		fx_init(&f);
		n = build(&f, c);
		ck_assert_msg(tcc_infer_known(n), "%s: not known", c->op);
		r = tcc_infer_node(n, c->opset);
		if (c->want[0] == '!') {
			const char *e = tcc_diag_first_error(f.ctx->diag);

			ck_assert_msg(r < 0 && e && strstr(e, c->want + 1),
				      "case %zu %s: want error '%s', got %d '%s'", i, c->op,
				      c->want + 1, r, e ? e : "(none)");
		} else {
			ck_assert_msg(r == 0, "case %zu %s: error %s", i, c->op,
				      tcc_diag_first_error(f.ctx->diag));
			for (int o = 0; o < c->nout; o++) {
				type_str(one, sizeof(one), &n->outputs[o]->type);
				strcat(got, o ? "; " : "");
				strcat(got, one);
			}
			ck_assert_msg(!strcmp(got, c->want), "case %zu %s: want %s, got %s", i, c->op,
				      c->want, got);
		}
		tcc_ctx_free(f.ctx);
	}
}

#define RUN_TABLE(t) run_cases(t, sizeof(t) / sizeof(t[0]))

/* ---- elementwise ---- */
static const struct icase elementwise_cases[] = {
	{ "Relu", 17, "float[N,3,8,8] x", NULL, 1, "float[N,3,8,8]" },
	{ "Sigmoid", 17, "float16[2,?] x", NULL, 1, "float16[2,?]" },
	{ "Not", 17, "bool[4] x", NULL, 1, "bool[4]" },
	{ "IsNaN", 17, "float[4,5] x", NULL, 1, "bool[4,5]" },
	{ "Identity", 17, "int64 x", NULL, 1, "int64[*]" },
	{ "Dropout", 17, "float[N,10] x", NULL, 2, "float[N,10]; bool[N,10]" },
	{ "Dropout", 7, "float[N,10] x", NULL, 2, "float[N,10]; float[N,10]" },
	{ "Cast", 17, "float[2,3] x", "i:to=7", 1, "int64[2,3]" },
	{ "CastLike", 17, "float[2,3] x, float16[] y", NULL, 1, "float16[2,3]" },
	{ "Softmax", 9, "float[1,1000] x", "i:axis=1", 1, "float[1,1000]" },
	{ "Clip", 17, "float[3] x, float m=0, float M=6", NULL, 1, "float[3]" },
	{ "Add", 17, "float[N,3,1,5] a, float[4,1] b", NULL, 1, "float[N,3,4,5]" },
	{ "Add", 17, "float[N,3] a, float[N,3] b", NULL, 1, "float[N,3]" },
	{ "Add", 17, "float[1,3] a, float[N,3] b", NULL, 1, "float[N,3]" },
	{ "Mul", 17, "float[N,3] a, float[M,3] b", NULL, 1, "float[?,3]" },
	{ "Mul", 17, "float[N,3] a, float[7,3] b", NULL, 1, "float[7,3]" },
	{ "Sub", 17, "float[N,3] a, float[1,3] b", NULL, 1, "float[N,3]" },
	{ "Div", 17, "float[] a, float[2,2] b", NULL, 1, "float[2,2]" },
	{ "Pow", 17, "float[2,3] a, int64[] b", NULL, 1, "float[2,3]" },
	{ "Add", 17, "float a, float[2] b", NULL, 1, "float[*]" },
	{ "Sum", 9, "float[1,64,56,56] a, float[1,64,56,56] b", NULL, 1, "float[1,64,56,56]" },
	{ "Sum", 9, "float[3] a, float[2,1] b, float[1,1,1] c", NULL, 1, "float[1,2,3]" },
	{ "Max", 13, "float[3] a", NULL, 1, "float[3]" },
	{ "Equal", 17, "int64[N,1] a, int64[5] b", NULL, 1, "bool[N,5]" },
	{ "Less", 17, "float[2] a, float[2] b", NULL, 1, "bool[2]" },
	{ "And", 17, "bool[2,1] a, bool[3] b", NULL, 1, "bool[2,3]" },
	{ "Where", 17, "bool[N,1,4] c, float[3,1] x, float[] y", NULL, 1, "float[N,3,4]" },
	{ "PRelu", 17, "float[N,16,8,8] x, float[16,1,1] s", NULL, 1, "float[N,16,8,8]" },
	{ "Mod", 17, "int32[4] a, int32[] b", NULL, 1, "int32[4]" },
};

START_TEST(test_elementwise)
{
	RUN_TABLE(elementwise_cases);
}
END_TEST

/* ---- conv, pool, norm, matmul ---- */
static const struct icase nn_cases[] = {
	{ "Conv", 17, "float[N,3,8,8] x, float[4,3,3,3] w", "is:kernel_shape=3,3", 1,
	  "float[N,4,6,6]" },
	{ "Conv", 9, "float[1,3,224,224] x, float[64,3,7,7] w, float[64] b",
	  "is:pads=3,3,3,3; is:strides=2,2", 1, "float[1,64,112,112]" },
	{ "Conv", 17, "float[N,3,9,9] x, float[8,3,3,3] w", "s:auto_pad=SAME_UPPER; is:strides=2,2",
	  1, "float[N,8,5,5]" },
	{ "Conv", 17, "float[N,3,9,9] x, float[8,3,3,3] w", "s:auto_pad=VALID; is:strides=2,2", 1,
	  "float[N,8,4,4]" },
	{ "Conv", 17, "float[N,4,10,10] x, float[8,2,3,3] w", "i:group=2; is:dilations=2,2", 1,
	  "float[N,8,6,6]" },
	{ "Conv", 17, "float[N,3,H,W] x, float[4,3,3,3] w", NULL, 1, "float[N,4,?,?]" },
	{ "Conv", 17, "float[N,3,16] x, float[4,3,5] w", "is:pads=2,2", 1, "float[N,4,16]" },
	{ "ConvTranspose", 17, "float[N,4,5,5] x, float[4,2,3,3] w", "is:strides=2,2", 1,
	  "float[N,2,11,11]" },
	{ "ConvTranspose", 17, "float[N,4,5,5] x, float[4,2,3,3] w",
	  "is:strides=2,2; is:pads=1,1,1,1; is:output_padding=1,1", 1, "float[N,2,10,10]" },
	{ "ConvTranspose", 17, "float[1,4,5,5] x, float[4,2,3,3] w",
	  "s:auto_pad=SAME_UPPER; is:strides=2,2", 1, "float[1,2,10,10]" },
	{ "MaxPool", 9, "float[N,64,112,112] x", "is:kernel_shape=3,3; is:strides=2,2; is:pads=1,1,1,1",
	  1, "float[N,64,56,56]" },
	{ "MaxPool", 9, "float[1,96,54,54] x", "is:kernel_shape=3,3; is:strides=2,2", 2,
	  "float[1,96,26,26]; int64[1,96,26,26]" },
	{ "MaxPool", 17, "float[1,1,6,6] x", "is:kernel_shape=3,3; is:strides=2,2; i:ceil_mode=1", 1,
	  "float[1,1,3,3]" },
	{ "MaxPool", 17, "float[1,1,5,5] x",
	  "is:kernel_shape=2,2; is:strides=2,2; i:ceil_mode=1; is:pads=0,0,1,1", 1,
	  "float[1,1,3,3]" },
	{ "AveragePool", 9, "float[1,2048,7,7] x", "is:kernel_shape=7,7", 1,
	  "float[1,2048,1,1]" },
	{ "AveragePool", 17, "float[1,3,7] x", "is:kernel_shape=2; s:auto_pad=SAME_LOWER", 1,
	  "float[1,3,7]" },
	{ "LpPool", 17, "float[1,3,8,8] x", "is:kernel_shape=2,2", 1, "float[1,3,7,7]" },
	{ "GlobalAveragePool", 9, "float[N,512,13,13] x", NULL, 1, "float[N,512,1,1]" },
	{ "GlobalMaxPool", 9, "float[N,5,3] x", NULL, 1, "float[N,5,1]" },
	{ "BatchNormalization", 9,
	  "float[N,64,56,56] x, float[64] s, float[64] b, float[64] m, float[64] v", NULL, 1,
	  "float[N,64,56,56]" },
	{ "BatchNormalization", 15,
	  "float[N,8,4] x, float[8] s, float[8] b, float[8] m, float[8] v", NULL, 3,
	  "float[N,8,4]; float[8]; float[8]" },
	{ "InstanceNormalization", 17, "float[N,8,4,4] x, float[8] s, float[8] b", NULL, 1,
	  "float[N,8,4,4]" },
	{ "LRN", 9, "float[1,96,55,55] x", "i:size=5", 1, "float[1,96,55,55]" },
	{ "LayerNormalization", 17, "float[B,T,768] x, float[768] s, float[768] b", NULL, 3,
	  "float[B,T,768]; float[B,T,1]; float[B,T,1]" },
	{ "LayerNormalization", 17, "float16[B,T,8] x, float16[T,8] s", "i:axis=1", 2,
	  "float16[B,T,8]; float[B,1,1]" },
	{ "MatMul", 17, "float[B,T,64] a, float[64,128] b", NULL, 1, "float[B,T,128]" },
	{ "MatMul", 17, "float[B,1,4,8] a, float[H,8,2] b", NULL, 1, "float[B,H,4,2]" },
	{ "MatMul", 17, "float[8] a, float[8] b", NULL, 1, "float[]" },
	{ "MatMul", 17, "float[8] a, float[3,8,5] b", NULL, 1, "float[3,5]" },
	{ "MatMul", 17, "float[3,4,8] a, float[8] b", NULL, 1, "float[3,4]" },
	{ "MatMulInteger", 17, "uint8[3,4] a, uint8[4,5] b", NULL, 1, "int32[3,5]" },
	{ "Gemm", 9, "float[1,2048] a, float[1000,2048] b, float[1000] c", "i:transB=1", 1,
	  "float[1,1000]" },
	{ "Gemm", 9, "float[K,M] a, float[K,N] b", "i:transA=1", 1, "float[M,N]" },
	{ "Einsum", 17, "float[B,I,J] a, float[B,J,K] b", "s:equation=bij,bjk->bik", 1,
	  "float[B,I,K]" },
	{ "Einsum", 17, "float[3,4] a", "s:equation=ij", 1, "float[3,4]" },
	{ "Einsum", 17, "float[3,4] a, float[4,5] b", "s:equation=ij,jk", 1, "float[3,5]" },
	{ "Einsum", 17, "float[3,3] a", "s:equation=ii->i", 1, "float[3]" },
	{ "QuantizeLinear", 17, "float[2,3] x, float[] s, int8[] z", NULL, 1, "int8[2,3]" },
	{ "DequantizeLinear", 17, "uint8[2,3] x, float[] s", NULL, 1, "float[2,3]" },
};

START_TEST(test_nn)
{
	RUN_TABLE(nn_cases);
}
END_TEST

/* ---- shape manipulation ---- */
static const struct icase shape_cases[] = {
	{ "Reshape", 9, "float[1,2048,1,1] x, int64[2] s=[1,-1]", NULL, 1, "float[1,2048]" },
	{ "Reshape", 13, "float[N,3,4] x, int64[2] s=[0,-1]", NULL, 1, "float[N,12]" },
	{ "Reshape", 13, "float[N,3,4] x, int64[3] s=[0,2,-1]", NULL, 1, "float[N,2,6]" },
	{ "Reshape", 13, "float[N,3,4] x, int64[2] s=[-1,4]", NULL, 1, "float[?,4]" },
	{ "Reshape", 13, "float[2,3,4] x, int64[3] s=[4,0,-1]", NULL, 1, "float[4,3,2]" },
	{ "Reshape", 14, "float[0,3] x, int64[2] s=[0,3]", "i:allowzero=1", 1, "float[0,3]" },
	{ "Reshape", 13, "float[2,3] x, int64[3] s", NULL, 1, "float[?,?,?]" },
	{ "Reshape", 1, "float[2,3] x", "is:shape=3,2", 1, "float[3,2]" },
	{ "Flatten", 9, "float[N,3,4,5] x", NULL, 1, "float[N,60]" },
	{ "Flatten", 9, "float[2,3,4,5] x", "i:axis=0", 1, "float[1,120]" },
	{ "Flatten", 13, "float[2,3,4,5] x", "i:axis=-1", 1, "float[24,5]" },
	{ "Transpose", 17, "float[N,3,4] x", "is:perm=0,2,1", 1, "float[N,4,3]" },
	{ "Transpose", 17, "float[2,3,4] x", NULL, 1, "float[4,3,2]" },
	{ "Concat", 9, "float[N,64,28,28] a, float[N,32,28,28] b", "i:axis=1", 1,
	  "float[N,96,28,28]" },
	{ "Concat", 13, "float[2,?] a, float[3,5] b", "i:axis=0", 1, "float[5,5]" },
	{ "Concat", 13, "float[2,3] a, float[?,3] b", "i:axis=-2", 1, "float[?,3]" },
	{ "Split", 13, "float[N,10] x, int64[2] s=[3,7]", "i:axis=1", 2, "float[N,3]; float[N,7]" },
	{ "Split", 11, "float[6,4] x", "is:split=2,4", 2, "float[2,4]; float[4,4]" },
	{ "Split", 13, "float[6,4] x", NULL, 3, "float[2,4]; float[2,4]; float[2,4]" },
	{ "Split", 18, "float[7,4] x", "i:num_outputs=3", 3, "float[3,4]; float[3,4]; float[1,4]" },
	{ "Squeeze", 11, "float[1,3,1,5] x", "is:axes=0,-2", 1, "float[3,5]" },
	{ "Squeeze", 13, "float[1,3,1,5] x, int64[1] a=[2]", NULL, 1, "float[1,3,5]" },
	{ "Squeeze", 13, "float[1,3,1,5] x", NULL, 1, "float[3,5]" },
	{ "Squeeze", 13, "float[1,N,5] x", NULL, 1, "float[*]" },
	{ "Unsqueeze", 11, "float[3,5] x", "is:axes=0,3", 1, "float[1,3,5,1]" },
	{ "Unsqueeze", 13, "float[N,5] x, int64[1] a=[-1]", NULL, 1, "float[N,5,1]" },
	{ "Unsqueeze", 13, "float[] x, int64[1] a=[0]", NULL, 1, "float[1]" },
	{ "Expand", 13, "float[3,1] x, int64[3] s=[2,1,6]", NULL, 1, "float[2,3,6]" },
	{ "Expand", 13, "float[N,1] x, int64[2] s=[1,4]", NULL, 1, "float[N,4]" },
	{ "Expand", 13, "float[5,1] x, int64[3] s", NULL, 1, "float[?,5,?]" },
	{ "Tile", 13, "float[N,2,3] x, int64[3] r=[1,2,3]", NULL, 1, "float[N,4,9]" },
	{ "Pad", 2, "float[1,3,4,4] x", "is:pads=0,0,1,1,0,0,1,1", 1, "float[1,3,6,6]" },
	{ "Pad", 13, "float[N,3,4] x, int64[6] p=[0,0,1,0,0,2]", NULL, 1, "float[N,3,7]" },
	{ "Pad", 18, "float[N,3,4] x, int64[2] p=[2,2], _, int64[1] a=[-1]", NULL, 1,
	  "float[N,3,8]" },
	{ "Pad", 13, "float[N,3,4] x, int64[6] p=[0,0,-1,0,0,-1]", NULL, 1, "float[N,3,2]" },
	{ "Gather", 13, "float[100,64] x, int64[B,T] i", NULL, 1, "float[B,T,64]" },
	{ "Gather", 13, "float[2,3,4] x, int64[] i=1", "i:axis=1", 1, "float[2,4]" },
	{ "GatherElements", 13, "float[3,3] x, int64[2,3] i", "i:axis=0", 1, "float[2,3]" },
	{ "DepthToSpace", 13, "float[1,8,2,3] x", "i:blocksize=2", 1, "float[1,2,4,6]" },
	{ "SpaceToDepth", 13, "float[1,2,4,6] x", "i:blocksize=2", 1, "float[1,8,2,3]" },
};

START_TEST(test_shape_ops)
{
	RUN_TABLE(shape_cases);
}
END_TEST

/* ---- data-dependent ---- */
static const struct icase data_cases[] = {
	{ "Shape", 13, "float[N,3,4] x", NULL, 1, "int64[3]" },
	{ "Shape", 15, "float[N,3,4] x", "i:start=1", 1, "int64[2]" },
	{ "Shape", 15, "float[N,3,4] x", "i:start=-1; i:end=10", 1, "int64[1]" },
	{ "Shape", 15, "float x", NULL, 1, "int64[?]" },
	{ "Size", 13, "float[N,3] x", NULL, 1, "int64[]" },
	{ "ConstantOfShape", 9, "int64[4] s=[64,3,7,7]", NULL, 1, "float[64,3,7,7]" },
	{ "ConstantOfShape", 9, "int64[2] s", NULL, 1, "float[?,?]" },
	{ "Range", 11, "int64[] a=0, int64[] b=10, int64[] c=3", NULL, 1, "int64[4]" },
	{ "Range", 11, "float[] a=1, float[] b=0, float[] c=-0.25", NULL, 1, "float[4]" },
	{ "Range", 11, "int64[] a=5, int64[] b=0, int64[] c=1", NULL, 1, "int64[0]" },
	{ "Range", 11, "int64[] a, int64[] b=10, int64[] c=1", NULL, 1, "int64[?]" },
	{ "Slice", 9, "float[20,10,5] x", "is:starts=0,0; is:ends=3,10; is:axes=0,1", 1,
	  "float[3,10,5]" },
	{ "Slice", 13, "float[20,10,5] x, int64[2] s=[-3,1], int64[2] e=[1000,-1]", NULL, 1,
	  "float[3,8,5]" },
	{ "Slice", 13,
	  "float[20,10,5] x, int64[1] s=[-1], int64[1] e=[-1000], int64[1] a=[1], int64[1] p=[-3]",
	  NULL, 1, "float[20,4,5]" },
	{ "Slice", 13, "float[N,10] x, int64[1] s=[1], int64[1] e=[1000], int64[1] a=[1]", NULL, 1,
	  "float[N,9]" },
	{ "Slice", 13, "float[N,10] x, int64[1] s=[0], int64[1] e=[2000000000000], int64[1] a=[0]",
	  NULL, 1, "float[N,10]" },
	{ "Slice", 13, "float[N,10] x, int64[1] s=[0], int64[1] e=[2]", NULL, 1, "float[?,10]" },
	{ "Slice", 13, "float[N,10] x, int64[1] s, int64[1] e=[2]", NULL, 1, "float[?,?]" },
	{ "Resize", 13, "float[1,3,8,8] x, _, float[4] s=[1,1,2,2]", NULL, 1, "float[1,3,16,16]" },
	{ "Resize", 13, "float[1,3,8,8] x, _, _, int64[4] z=[1,3,5,7]", NULL, 1, "float[1,3,5,7]" },
	{ "Resize", 10, "float[N,3,8,8] x, float[4] s=[1,1,1.5,1.5]", NULL, 1, "float[N,3,12,12]" },
	{ "Upsample", 7, "float[1,3,4,4] x", "fs:scales=1,1,2,2", 1, "float[1,3,8,8]" },
	{ "TopK", 11, "float[N,10] x, int64[1] k=[3]", NULL, 2, "float[N,3]; int64[N,3]" },
	{ "TopK", 1, "float[4,10] x", "i:k=2; i:axis=0", 2, "float[2,10]; int64[2,10]" },
	{ "NonZero", 13, "float[3,4] x", NULL, 1, "int64[2,?]" },
	{ "OneHot", 11, "int64[N,5] i, int64[] d=10, float[2] v", NULL, 1, "float[N,5,10]" },
	{ "OneHot", 11, "int64[N,5] i, int64[] d=10, float[2] v", "i:axis=0", 1, "float[10,N,5]" },
	{ "CumSum", 11, "float[2,3] x, int32[] a=0", NULL, 1, "float[2,3]" },
};

START_TEST(test_data_ops)
{
	RUN_TABLE(data_cases);
}
END_TEST

static const struct icase reduce_cases[] = {
	{ "ReduceMean", 13, "float[N,3,4,4] x", "is:axes=2,3", 1, "float[N,3,1,1]" },
	{ "ReduceMean", 13, "float[N,3,4,4] x", "is:axes=-1; i:keepdims=0", 1, "float[N,3,4]" },
	{ "ReduceSum", 13, "float[N,3,4] x, int64[1] a=[1]", "i:keepdims=0", 1, "float[N,4]" },
	{ "ReduceSum", 13, "float[N,3,4] x", NULL, 1, "float[1,1,1]" },
	{ "ReduceSum", 13, "float[N,3,4] x", "i:noop_with_empty_axes=1", 1, "float[N,3,4]" },
	{ "ReduceSum", 13, "float[N,3,4] x, int64[2] a", "i:keepdims=0", 1, "float[?]" },
	{ "ReduceSum", 13, "float[N,3,4] x, int64[2] a", NULL, 1, "float[?,?,?]" },
	{ "ReduceMax", 18, "float[2,3] x, int64[1] a=[0]", "i:keepdims=0", 1, "float[3]" },
	{ "ReduceL2", 11, "float[2,3] x", "i:keepdims=0", 1, "float[]" },
	{ "ArgMax", 13, "float[N,10] x", "i:axis=1", 1, "int64[N,1]" },
	{ "ArgMin", 13, "float[N,10] x", "i:axis=-1; i:keepdims=0", 1, "int64[N]" },
};

START_TEST(test_reduce)
{
	RUN_TABLE(reduce_cases);
}
END_TEST

/* ---- errors: each names its reason ---- */
static const struct icase error_cases[] = {
	{ "Add", 17, "float[2,3] a, float[4] b", NULL, 1,
	  "!cannot broadcast dim 1: 3 vs 4 (inputs 'a' and 'b')" },
	{ "Add", 17, "float[2] a, int64[2] b", NULL, 1, "!differ in type" },
	{ "Where", 17, "bool[2] c, float[3] x, float[3] y", NULL, 1, "!cannot broadcast dim 0" },
	{ "MatMul", 17, "float[2,3] a, float[4,5] b", NULL, 1,
	  "!inner dims differ: 3 vs 4 (inputs 'a' and 'b')" },
	{ "MatMul", 17, "float[2,2,3] a, float[3,3,5] b", NULL, 1, "!cannot broadcast dim 0" },
	{ "Gemm", 9, "float[2,3] a, float[4,5] b", NULL, 1, "!inner dims differ" },
	{ "Gemm", 9, "float[2,3] a, float[3,5] b, float[4] c", NULL, 1, "!cannot broadcast C" },
	{ "Gemm", 9, "float[2,3,1] a, float[3,5] b", NULL, 1, "!must be 2-D" },
	{ "Concat", 13, "float[2,3] a, float[2,4] b", "i:axis=0", 1,
	  "!input 'b' dim 1 is 4, expected 3" },
	{ "Concat", 13, "float[2,3] a, float[2,4] b", "i:axis=2", 1, "!axis 2 is out of range" },
	{ "Concat", 13, "float[2,3] a, float[2] b", "i:axis=0", 1, "!has rank 1, expected 2" },
	{ "Concat", 13, "float[2,3] a", NULL, 1, "!missing attribute 'axis'" },
	{ "Reshape", 13, "float[2,3] x, int64[2] s=[4,2]", NULL, 1,
	  "!cannot reshape 6 elements into 8" },
	{ "Reshape", 13, "float[2,3] x, int64[2] s=[4,-1]", NULL, 1, "!cannot reshape 6" },
	{ "Reshape", 13, "float[2,3] x, int64[2] s=[-1,-1]", NULL, 1, "!more than one -1" },
	{ "Reshape", 13, "float[2,3] x, int64[2] s=[-2,3]", NULL, 1, "!invalid shape entry -2" },
	{ "Reshape", 13, "float[2,3] x, float[2] s=[2,3]", NULL, 1, "!must be a 1-D integer" },
	{ "Conv", 17, "float[1,3,8,8] x, float[4,2,3,3] w", NULL, 1,
	  "!input has 3 channels but weight expects 2" },
	{ "Conv", 17, "float[1,3,2,2] x, float[4,3,3,3] w", NULL, 1, "!kernel extent 3 exceeds" },
	{ "Conv", 17, "float[1,3,8,8] x, float[4,3,3,3] w", "is:strides=1", 1,
	  "!attribute 'strides' has 1 entries, expected 2" },
	{ "Conv", 17, "float[1,3,8,8] x, float[4,3,3,3] w", "is:strides=0,1", 1, "!must be >= 1" },
	{ "Conv", 17, "float[1,3,8,8] x, float[4,3,3,3] w", "s:auto_pad=BOGUS", 1,
	  "!unknown auto_pad" },
	{ "Conv", 17, "float[3,8] x, float[4,3] w", NULL, 1, "!rank >= 3" },
	{ "MaxPool", 17, "float[1,3,8,8] x", NULL, 1, "!missing attribute 'kernel_shape'" },
	{ "Softmax", 13, "float[2,3] x", "i:axis=2", 1, "!axis 2 is out of range for rank 2" },
	{ "Transpose", 17, "float[2,3] x", "is:perm=0,0", 1, "!perm repeats axis 0" },
	{ "Transpose", 17, "float[2,3] x", "is:perm=0,1,2", 1, "!perm has 3 entries" },
	{ "Gather", 13, "float[2,3] x, int64[4] i", "i:axis=-3", 1, "!out of range" },
	{ "Squeeze", 13, "float[2,3] x, int64[1] a=[0]", NULL, 1, "!cannot squeeze dim 0 of size 2" },
	{ "Unsqueeze", 13, "float[2,3] x, int64[2] a=[0,0]", NULL, 1, "!axis 0 is repeated" },
	{ "Split", 13, "float[6] x, int64[2] s=[2,3]", NULL, 2, "!split sizes add up to 5" },
	{ "Split", 13, "float[7] x", NULL, 2, "!cannot be split into 2" },
	{ "Pad", 13, "float[2] x, int64[2] p=[-2,-1]", NULL, 1, "!negative" },
	{ "Slice", 13, "float[4] x, int64[1] s=[0], int64[1] e=[2], _, int64[1] p=[0]", NULL, 1,
	  "!step must not be 0" },
	{ "Range", 11, "int64[] a=0, int64[] b=10, int64[] c=0", NULL, 1, "!delta must be nonzero" },
	{ "Range", 11, "float[] a=0, float[] b=1e30, float[] c=1", NULL, 1, "!too many elements" },
	{ "Tile", 13, "float[1048576,1048576] x, int64[2] r=[2,2]", NULL, 1, "!too" },
	{ "Expand", 13, "float[3] x, int64[1] s=[4]", NULL, 1, "!cannot broadcast dim 0: 4 vs 3" },
	{ "ConstantOfShape", 9, "int64[2] s=[1099511627776,2]", NULL, 1, "!too many elements" },
	{ "ConstantOfShape", 9, "int64[2] s=[-1,2]", NULL, 1, "!invalid dim -1" },
	{ "Cast", 17, "float[2] x", NULL, 1, "!missing attribute 'to'" },
	{ "Cast", 17, "float[2] x", "i:to=99", 1, "!invalid target type 99" },
	{ "Einsum", 17, "float[3,4] a", "s:equation=ijk->i", 1, "!term 0 has 3 letters" },
	{ "TopK", 11, "float[2,3] x, int64[1] k=[5]", NULL, 2, "!K = 5 is out of range" },
	{ "ReduceSum", 13, "float[2,3] x, int64[1] a=[3]", NULL, 1, "!axis 3 is out of range" },
	{ "ArgMax", 13, "float[2,3] x", "i:axis=2", 1, "!out of range" },
	{ "Relu", 17, "float[2,2199023255552] x", NULL, 1, "!out of range" },
};

START_TEST(test_errors)
{
	RUN_TABLE(error_cases);
}
END_TEST

/* ---- merging with existing (value_info) types ---- */

/* Conv [1,3,8,8] x [4,3,3,3] into an output that already says "decl". */
static const char *merge_one(struct fx *f, const char *decl, char *buf, size_t size)
{
	static const struct icase conv = { "Conv", 17, "float[N,3,8,8] x, float[4,3,3,3] w",
					   NULL, 1, NULL };
	struct tcc_node *n;
	const char *lb;

	fx_init(f);
	n = build(f, &conv);
	lb = strchr(decl, '[');
	if (lb)
		parse_dims(f, &n->outputs[0]->type, tcc_dtype_from_name(decl, (size_t)(lb - decl)),
			   lb + 1, strchr(lb, ']'));
	else
		tcc_type_set_tensor(f->ctx, &n->outputs[0]->type,
				    tcc_dtype_from_name(decl, strlen(decl)), -1, NULL);
	if (tcc_infer_node(n, 17) < 0)
		return tcc_diag_first_error(f->ctx->diag);
	type_str(buf, size, &n->outputs[0]->type);
	return buf;
}

START_TEST(test_merge)
{
	static const char *const cases[][2] = {
		{ "float[?,4,?,?]", "float[N,4,6,6]" },
		{ "float[batch,?,6,?]", "float[batch,4,6,6]" },
		{ "float", "float[N,4,6,6]" },
		{ "undefined[?,?,?,?]", "float[N,4,6,6]" },
		{ "float[N,5,6,6]", "output 'out0' dim 1 is 5 but inferred 4" },
		{ "int64[N,4,6,6]", "declared int64 but inferred float" },
		{ "float[N,4,6]", "declared with rank 3 but inferred 4" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx f;
		char buf[128];
		const char *got = merge_one(&f, cases[i][0], buf, sizeof(buf));

		ck_assert_msg(got && strstr(got, cases[i][1]), "merge %s: want %s, got %s",
			      cases[i][0], cases[i][1], got ? got : "(null)");
		tcc_ctx_free(f.ctx);
	}
}
END_TEST

/* ---- the pass ---- */

static tcc_stat run_pass(struct tcc_model *m, int strict)
{
	const struct tcc_pass *p = tcc_pass_find("shape-infer");
	int64_t opts[8] = { 0 };

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_le(p->options_size, sizeof(opts));
	for (int i = 0; i < p->noptions; i++)
		if (!strcmp(p->options[i].name, "strict"))
			*(int64_t *)((char *)opts + p->options[i].offset) = strict;
	return p->run(m, opts);
}

static struct tcc_value *val(struct fx *f, const char *name)
{
	struct tcc_value *v = tcc_graph_lookup(f->g, name);

	return v ? v : tcc_graph_new_value(f->g, name);
}

static struct tcc_node *add(struct fx *f, const char *op, const char *in0, const char *in1,
			    const char *out)
{
	struct tcc_value *ins[2] = { val(f, in0), in1 ? val(f, in1) : NULL };

	return tcc_graph_add_node(f->g, op, "", out, in1 ? 2 : 1, ins, 1,
				  (struct tcc_value *[]){ val(f, out) }, f->g->loc);
}

START_TEST(test_pass)
{
	struct fx f;
	struct tcc_value *x, *y;
	struct tcc_attr *a;
	char buf[128];

	fx_init(&f);
	tcc_model_add_opset(f.m, "", 9);
	parse_input(&f, "float[N,3,8,8] x", &x);
	parse_input(&f, "int64[4] wshape=[4,3,3,3]", &y);
	parse_input(&f, "int64[2] rshape=[0,-1]", &y);
	/* Out of order on purpose: the pass sorts first. */
	add(&f, "Reshape", "r", "rshape", "flat");
	add(&f, "Relu", "c", NULL, "r");
	add(&f, "ConstantOfShape", "wshape", NULL, "w");
	a = tcc_node_add_attr(add(&f, "Conv", "x", "w", "c"), "kernel_shape", TCC_ATTR_INTS);
	a->n = 2;
	a->u.ints = (int64_t[]){ 3, 3 };
	tcc_graph_add_output(f.g, val(&f, "flat"));
	ck_assert_int_eq(run_pass(f.m, 1), 0);
	type_str(buf, sizeof(buf), &val(&f, "w")->type);
	ck_assert_str_eq(buf, "float[4,3,3,3]");
	type_str(buf, sizeof(buf), &val(&f, "r")->type);
	ck_assert_str_eq(buf, "float[N,4,6,6]");
	type_str(buf, sizeof(buf), &val(&f, "flat")->type);
	ck_assert_str_eq(buf, "float[N,144]");

	/* strict: an op without inference is an error; not strict: left alone. */
	add(&f, "FancyOp", "flat", NULL, "z");
	ck_assert_int_eq(run_pass(f.m, 0), 0);
	ck_assert_int_eq(val(&f, "z")->type.kind, TCC_TYPE_UNKNOWN);
	ck_assert_int_eq(run_pass(f.m, 1), -1);
	ck_assert_ptr_nonnull(strstr(tcc_diag_first_error(f.ctx->diag),
				     "no shape inference for op 'FancyOp'"));
	tcc_ctx_free(f.ctx);

	/* A cycle is an error. */
	fx_init(&f);
	add(&f, "Relu", "b", NULL, "a");
	add(&f, "Relu", "a", NULL, "b");
	ck_assert_int_eq(run_pass(f.m, 0), -1);
	ck_assert_ptr_nonnull(strstr(tcc_diag_first_error(f.ctx->diag), "cycle"));
	tcc_ctx_free(f.ctx);
}
END_TEST

/* ---- malformed nodes never crash ---- */

START_TEST(test_robust)
{
	static const char *const ops[] = {
#define OP(name, fn, doc) #name,
#include "ir/graph/ops.def"
#undef OP
	};
	static const char *const inputs[] = {
		"", "float x", "float[] x", "float[2] x", "float[N,3,4,4] x, float[2,2,2,2] w",
		"float[1,1] x, _, float y, int64[1] z=[1]",
		"int64[1] x=[3], int64[1] y=[-1], int64[1] z=[7], int64[1] w=[-9]",
	};
	static const char *const attrs[] = {
		NULL, "f:axis=1; f:to=2; f:perm=1", "is:axes=5,5; is:kernel_shape=0",
		"i:axis=-100; is:pads=-5,-5; i:to=-1; s:equation=->",
	};

	for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
		for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
			for (size_t a = 0; a < sizeof(attrs) / sizeof(attrs[0]); a++)
				for (int nout = 0; nout < 3; nout += 2) {
					struct icase c = { ops[o], 13, inputs[i], attrs[a], nout, "" };
					struct fx f;

					fx_init(&f);
					tcc_infer_node(build(&f, &c), 7 + (int)a * 4);
					tcc_ctx_free(f.ctx);
				}
}
END_TEST

static Suite *infer_suite(void)
{
	Suite *s = suite_create("infer");
	TCase *tc = tcase_create("ops");

	tcase_add_test(tc, test_elementwise);
	tcase_add_test(tc, test_nn);
	tcase_add_test(tc, test_shape_ops);
	tcase_add_test(tc, test_data_ops);
	tcase_add_test(tc, test_reduce);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_pass);
	tcase_add_test(tc, test_robust);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(infer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
