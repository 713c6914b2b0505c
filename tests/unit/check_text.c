/* ONNX text syntax: parse → print → parse round trips, printing of every feature, and
 * errors (including every truncation of a valid text). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/text/text.h"
#include "ir/graph/print.h"

static struct tcc_ctx *ctx;

static void setup(void)
{
	ctx = tcc_ctx_new();
}

static void teardown(void)
{
	tcc_ctx_free(ctx);
}

static struct tcc_model *parse(const char *text)
{
	return tcc_text_parse(ctx, "t.onnxtxt", text, strlen(text));
}

/* Print m; the caller frees the string. */
static char *print(const struct tcc_model *m, int64_t elide)
{
	struct tcc_printer *p = tcc_printer_to_str();
	struct tcc_print_options o = { .elide_above = elide };

	ck_assert_int_eq(tcc_print_model(p, m, &o), 0);
	return tcc_printer_take_str(p);
}

/* parse(text) prints "expected" and parse(expected) prints "expected" again. */
static void check_print(const char *text, const char *expected)
{
	struct tcc_model *m = parse(text);
	char *a, *b;

	ck_assert_msg(m, "parse failed: %s", tcc_diag_first_error(ctx->diag));
	a = print(m, 0);
	ck_assert_str_eq(a, expected);
	m = parse(a);
	ck_assert_msg(m, "reparse failed: %s\n%s", tcc_diag_first_error(ctx->diag), a);
	b = print(m, 0);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
}

static void check_error(const char *text, const char *expected)
{
	const char *err;

	tcc_diag_clear(ctx->diag);
	ck_assert_msg(!parse(text), "parsed: %s", text);
	ck_assert_int_eq(tcc_diag_error_count(ctx->diag), 1);
	err = tcc_diag_first_error(ctx->diag);
	ck_assert_msg(strstr(err, expected), "for %s\n got: %s\nwant: %s", text, err, expected);
}

#define HDR "<ir_version: 8, opset_import: [\"\" : 17]>\n"

static const char *full_model =
	"<ir_version: 8, opset_import: [\"\" : 17, \"com.microsoft\" : 1], producer_name: \"x\", "
	"producer_version: \"y\", domain: \"d\", model_version: 1, doc_string: \"doc\", "
	"metadata_props: [\"k\" : \"v\"]>\n"
	"main (float[N,3,224,224] X, int64[2] shape, float[2] w = {1.5, 2}) => "
	"(float[N,?] Y, \"a/b:0\") <\n"
	"  float[2] c = {nan, -inf},\n"
	"  int64[1] k = {3},\n"
	"  string[2] s = {\"a\\n\\\"b\", \"\"},\n"
	"  sparse_tensor(float[4,4]) sp = {float[2] {1, 2}, int64[2] {1, 5}},\n"
	"  float[N,3,224,224] T,\n"
	"  seq(float[3]) sq,\n"
	"  map(int64, float) mp,\n"
	"  optional(seq(float)) op\n"
	"> {\n"
	"  [n1] T = Add (X, w)\n"
	"  Y, \"a/b:0\" = com.microsoft.FusedConv <alpha = 0.5, beta = 1.0, axis = 1, "
	"mode = \"constant\", pads = [1, 1], scales = [1.0, 2.5], strs = [\"a\", \"b\"], "
	"axes: ints = [], value = float[2] {1, 2}, named = int64 nm {7}, "
	"tp: type_proto = float[3], e = -1e+20, i = inf, "
	"sps = sparse_tensor(float[3]) {float[1] {1}, int64[1] {2}}> (T, , k)\n"
	"  sq = SequenceConstruct (T)\n"
	"  mp = Foo:ov (X, \"\")\n"
	"  op = Bar (, X)\n"
	"  Z = If (X) <then_branch = g1 () => (float[2] a) {\n"
	"    a = Identity (w)\n"
	"  }, else_branch: graph = \"2\" () => (b) {\n"
	"    b = Identity (c)\n"
	"  }, gs: graphs = [x () => (q) {\n"
	"    q = Identity (T)\n"
	"  }]>\n"
	"  = Print (Z)\n"
	"  \"1\" = \"my-domain\".\"Op-x\" (\"1\")\n"
	"}\n"
	"\n"
	"<domain: \"local\", opset_import: [\"\" : 17]>\n"
	"fname <attr1, alpha = 1.0> (x, float[N] y) => (z) {\n"
	"  z = Add <a: float = @alpha> (x, y)\n"
	"}\n";

START_TEST(test_full_model)
{
	check_print(full_model, full_model);
}
END_TEST

/* Accepted spellings that print in the canonical form. */
START_TEST(test_canonical_forms)
{
	check_print("# comment\ng(float[2] x) => (float[2] y) {\n"
		    "  y = Relu(x) # trailing\n"
		    "  z = A <f: float = 2, l: floats = [1, 2.5], m = [1, 2.5]> (x,)\n"
		    "  w = B (x) <g = 1>\n"
		    "}\n",
		    "<ir_version: 0, opset_import: []>\n"
		    "g (float[2] x) => (float[2] y) {\n"
		    "  y = Relu (x)\n"
		    "  z = A <f = 2.0, l = [1.0, 2.5], m = [1.0, 2.5]> (x)\n"
		    "  w = B <g = 1> (x)\n"
		    "}\n");
	check_print(HDR "g (float[3] x) => (y) {\n  y, , \"\" = A (x, , \"\")\n}\n",
		    HDR "g (float[3] x) => (y) {\n  y, , \"\" = A (x, , \"\")\n}\n");
}
END_TEST

START_TEST(test_types)
{
	check_print(HDR "g (float a, float[] b, float[N,?,3] c, float[\"batch size\",seq] d, "
		    "seq(float[3]) e, map(int64, float) f, optional(seq(float)) h, "
		    "sparse_tensor(float[3]) i, seq(?) j, \"float\") => () {\n}\n",
		    HDR "g (float a, float[] b, float[N,?,3] c, float[\"batch size\",seq] d, "
		    "seq(float[3]) e, map(int64, float) f, optional(seq(float)) h, "
		    "sparse_tensor(float[3]) i, seq(?) j, \"float\") => () {\n}\n");
}
END_TEST

START_TEST(test_tensor_data)
{
	const char *t = HDR "\"\" (float16[3] h = {1.5, nan, 65504}, bfloat16 bh = {-3.25}, "
		"double[2] d = {0.1, 1e+300}, bool[3] b = {1, 0, 1}, int8[2] i8 = {-128, 127}, "
		"uint64[1] u = {18446744073709551615}, int64[1] i = {-9223372036854775808}, "
		"int4[3] i4 = {-8, 7, 1}, uint4[3] u4 = {15, 0, 3}, float8e4m3fn[2] f8 = {0, 255}, "
		"float4e2m1[3] f4 = {1, 15, 7}, complex64[2] cx = {1, 2, 3, 4}, "
		"int2[3] i2 = {-2, 1, 0}, float[0] e = {}, float[N] x = float[2] {1, 2}, "
		"float[2,2] f = {1.4013e-45, 3.4028235e+38, -0, 0.1}) => () {\n}\n";
	struct tcc_model *m;

	check_print(t, t);
	m = parse(t);
	ck_assert_int_eq(((uint16_t *)m->graph->inputs[0]->init->data)[0], 0x3e00);
	ck_assert_int_eq(m->graph->inputs[4]->init->dims[0], 2);
	ck_assert_int_eq(m->graph->inputs[14]->type.dims[0].param[0], 'N');
	ck_assert_int_eq(m->graph->inputs[14]->init->dims[0], 2);
	ck_assert(signbit(((float *)m->graph->inputs[15]->init->data)[2]));
	check_print(HDR "g (bool[2] b = {true, false}) => () {}",
		    HDR "g (bool[2] b = {1, 0}) => () {\n}\n");
}
END_TEST

START_TEST(test_ir_fields)
{
	struct tcc_model *m = parse(full_model);
	struct tcc_graph *g = m->graph;
	struct tcc_node *n = g->nodes[1];
	struct tcc_value *t = tcc_graph_lookup(g, "T");

	ck_assert_str_eq(g->name, "main");
	ck_assert_int_eq(g->ninputs, 3);
	ck_assert_int_eq(g->ninitializers, 4);
	ck_assert(g->inputs[2]->init && g->inputs[2]->is_input);
	ck_assert_int_eq(g->nsparse, 1);
	ck_assert(t->has_info && t->type.kind == TCC_TYPE_TENSOR && t->type.rank == 4);
	ck_assert_str_eq(n->domain, "com.microsoft");
	ck_assert_str_eq(n->op_type, "FusedConv");
	ck_assert_int_eq(n->ninputs, 3);
	ck_assert_ptr_null(n->inputs[1]);
	ck_assert_str_eq(n->outputs[1]->name, "a/b:0");
	ck_assert_str_eq(n->attrs[0].name, "alpha");
	ck_assert_int_eq(n->attrs[1].kind, TCC_ATTR_FLOAT);
	ck_assert_int_eq(n->attrs[7].kind, TCC_ATTR_INTS);
	ck_assert_int_eq(n->attrs[7].n, 0);
	ck_assert_str_eq(g->nodes[0]->name, "n1");
	ck_assert_uint_eq(g->nodes[0]->loc.line, 12);
	ck_assert_uint_eq(g->nodes[0]->loc.col, 3);
	ck_assert_str_eq(g->nodes[0]->loc.node, "n1");
	ck_assert_str_eq(g->nodes[3]->overload, "ov");
	ck_assert_ptr_null(g->nodes[3]->inputs[1]);
	ck_assert_str_eq(g->nodes[7]->domain, "my-domain");
	ck_assert_int_eq(m->nfunctions, 1);
	ck_assert_int_eq(m->functions[0]->nattrs, 1);
	ck_assert_int_eq(m->functions[0]->ndefaults, 1);
	ck_assert_str_eq(m->functions[0]->body->nodes[0]->attrs[0].ref_attr_name, "alpha");
}
END_TEST

/* A node may use a value defined later, also from a sub-graph. */
START_TEST(test_forward_refs)
{
	const char *t = HDR "g (float[2] x) => (z) {\n"
			"  z = If (y) <then_branch = t () => (a) {\n"
			"    a = Identity (y)\n"
			"  }, else_branch = e () => (float[2] x) {\n  }>\n"
			"  y = Relu (x)\n"
			"}\n";
	struct tcc_model *m;

	check_print(t, t);
	m = parse(t);
	ck_assert_ptr_eq(m->graph->nodes[0]->inputs[0], m->graph->nodes[1]->outputs[0]);
	ck_assert_ptr_eq(m->graph->nodes[0]->attrs[0].u.g->nodes[0]->inputs[0],
			 m->graph->nodes[1]->outputs[0]);
	/* the else branch returns the outer x */
	ck_assert_ptr_eq(m->graph->nodes[0]->attrs[1].u.g->outputs[0], m->graph->inputs[0]);
}
END_TEST

START_TEST(test_float_attrs)
{
	check_print(HDR "g () => () {\n  y = A <a = 1.0, b = 100000000.0, c = 1e+20, d = -0.0, "
		    "e = 3.40282347e+38, f = nan, g = -inf, h = 1e-45, i = 2> ()\n}\n",
		    HDR "g () => () {\n  y = A <a = 1.0, b = 1e+08, c = 1e+20, d = -0.0, "
		    "e = 3.4028235e+38, f = nan, g = -inf, h = 1.4013e-45, i = 2> ()\n}\n");
}
END_TEST

START_TEST(test_elide)
{
	struct tcc_model *m = parse(HDR "g (float[3] x = {1, 2, 3}, float[2] y = {1, 2}) "
				    "=> () {\n}\n");
	char *s = print(m, 2);

	ck_assert_str_eq(s, HDR "g (float[3] x = {...}, float[2] y = {1, 2}) => () {\n}\n");
	check_error(s, "t.onnxtxt:2:18: error: elided constant");
	free(s);
}
END_TEST

/* A model built through the API (omitted inputs, odd names, value infos) round-trips. */
START_TEST(test_built_model)
{
	struct tcc_model *m = tcc_model_new(ctx, "b");
	struct tcc_graph *g = m->graph;
	struct tcc_value *x = tcc_graph_new_value(g, "1x"), *y = tcc_graph_new_value(g, "y");
	struct tcc_value *ins[3] = { x, NULL, NULL }, *outs[1] = { y };
	struct tcc_loc loc = { 0 };
	int64_t two = 2;
	struct tcc_node *n;
	char *a, *b;

	tcc_model_add_opset(m, "", 18);
	g->name = "G";
	tcc_type_set_tensor(ctx, &x->type, TCC_DT_FLOAT, 1, &two);
	tcc_graph_add_input(g, x);
	n = tcc_graph_add_node(g, "Op", "", "", 3, ins, 1, outs, loc);
	tcc_node_add_attr(n, "k", TCC_ATTR_FLOAT)->u.f = 3;
	y->has_info = 1;
	y->type = x->type;
	tcc_graph_add_output(g, y);
	a = print(m, 0);
	ck_assert_str_eq(a, "<ir_version: 0, opset_import: [\"\" : 18]>\n"
			 "G (float[2] \"1x\") => (float[2] y) <\n  float[2] y\n> {\n"
			 "  y = Op <k = 3.0> (\"1x\", , \"\")\n}\n");
	m = parse(a);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->graph->nodes[0]->ninputs, 3);
	ck_assert(m->graph->outputs[0]->has_info);
	b = print(m, 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_print_type)
{
	struct tcc_printer *p = tcc_printer_to_str();
	struct tcc_type t = { .kind = TCC_TYPE_UNKNOWN, .rank = -1 };

	tcc_print_type(p, &t);
	tcc_printer_char(p, ' ');
	tcc_type_set_tensor(ctx, &t, TCC_DT_INT64, 0, NULL);
	tcc_print_type(p, &t);
	ck_assert_str_eq(tcc_printer_get_str(p), "? int64");
	tcc_printer_free(p);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "", "t.onnxtxt:1:1: error: expected graph name, found end of input" },
		{ "g", "1:2: error: expected '(' before graph inputs, found end of input" },
		{ "g (", "1:4: error: expected input name" },
		{ "g () => () {", "1:13: error: expected '}' at the end of graph 'g'" },
		{ "g () => () {\n  Y = Relu(X)\n}", "2:12: error: undefined value 'X'" },
		{ "g () => () { [n] y = A (x) }", "1:25: node n: error: undefined value 'x'" },
		{ "<ir_version: 8, foo: 1> g () => () {}", "1:17: error: unknown model field 'foo'" },
		{ "<ir_version: \"8\"> g () => () {}", "expected an integer for ir_version" },
		{ "g (float[-1] x) => () {}", "negative dimension" },
		{ "g (float[2] x = {1,2,3}) => () {}", "too many values" },
		{ "g (float[3] x = {1,2}) => () {}", "has 2 values, its type needs 3" },
		{ "g (int8[1] x = {200}) => () {}", "value out of range for int8" },
		{ "g (uint8[1] x = {-1}) => () {}", "value out of range for uint8" },
		{ "g (int64[1] x = {9223372036854775808}) => () {}", "out of range for int64" },
		{ "g (int32[1] x = {1.5}) => () {}", "expected an integer in int32" },
		{ "g (float[1] x = {\"a\"}) => () {}", "expected a number" },
		{ "g (float[N] x = {1}) => () {}", "needs numeric dimensions" },
		{ "g (x = {1}) => () {}", "initializer 'x' needs a type" },
		{ "g (float[] x = {1}) => () {}", "needs a type of known rank" },
		{ "g () => () { y = A <a = []> () }", "empty list attribute 'a' needs a type" },
		{ "g () => () { y = A <a = @b> () }", "reference attribute 'a' needs a type" },
		{ "g () => () { y = A <a: ints = 1> () }", "declared ints but its value is int" },
		{ "g () => () { y = A <a: int = [1]> () }", "of kind int cannot be a list" },
		{ "g () => () { y = A <a: foo = 1> () }", "expected an attribute type" },
		{ "g () => () { y = A <a = [1, \"s\"]> () }", "mixes int and string" },
		{ "g () => () { y = A <a = 1.5e> () }", "malformed exponent" },
		{ "g () => () { y = A <a = 12ab> () }", "malformed number" },
		{ "g () => () { y = A <a = -x> () }", "expected a number after '-'" },
		{ "g () => () { y = A (x) $ }", "unexpected character '$'" },
		{ "g () => () { y = A (\"x) }", "unterminated string" },
		{ "g () => () { y = A (\"a\\x00b\") }", "value name contains a NUL byte" },
		{ "g (float[99999999999] x = {1}) => () {}", "the input ends first" },
		{ "g (float[9223372036854775808] x) => () {}", "integer out of range for dimension" },
		{ "g (float[1099511627777] x = {}) => () {}", "more than 2^40 elements" },
		{ "g () => (z) { }", "1:10: error: graph output 'z' is not defined" },
		{ "g () => () <float[2] q> { }", "value info 'q' names no value of this graph" },
		{ "g () => () { y = A () } junk", "expected '(' before graph inputs" },
		{ "g () = () {}", "expected '>' ('=>') after graph inputs" },
		{ "g (seq(float x) => () {}", "expected ')' after element type" },
		{ "g (map(foo, float) x) => () {}", "expected an element type" },
		{ "g (sparse_tensor(float[2] {} x) => () {}", "expected ')' after sparse tensor" },
		{ "g () => () { y = A <v = sparse_tensor(float[2]) {float[1] {1}, int64[1] {1}, "
		  "}> () }", "expected '}' after sparse indices" },
		{ "g () => () { y = A <v = sparse_tensor(float[2]) {int32[1] {1}, int64[1] {1}}> () }",
		  "sparse values are int32, the type says float" },
		{ "g () => () { y = A <t: tensor = float[2]> () }", "declared tensor but its value" },
		{ "<domain: 1> g () => () {}", "expected a string for domain, found '1'" },
		{ "g () => () {}\n<bogus: 1> f () => () {}", "unknown function field 'bogus'" },
		{ "g () => () { y = A <a: graph = 1> () }", "declared graph but its value is int" },
		{ "g () => () { y = A <a = g2 (> () }", "expected input name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_error(cases[i].text, cases[i].error);
}
END_TEST

/* Deep nesting is refused, not a stack overflow. */
START_TEST(test_depth)
{
	size_t n = 10000;
	char *s = malloc(8 * n + 64), *q = s;

	q += sprintf(q, "g (");
	for (size_t i = 0; i < n; i++)
		q += sprintf(q, "seq(");
	strcpy(q, "float");
	check_error(s, "types nested too deeply");
	q = s + sprintf(s, "g () => () { y = A <a = ");
	for (size_t i = 0; i < 100; i++)
		q += sprintf(q, "g () => () { y = A <a = ");
	strcpy(q, "1");
	check_error(s, "graphs nested too deeply");
	free(s);
}
END_TEST

/* Every prefix of a valid text: one error or a model, never a crash. */
START_TEST(test_truncations)
{
	size_t len = strlen(full_model);
	int failures = 0;

	for (size_t i = 0; i < len; i++) {
		struct tcc_ctx *c = tcc_ctx_new();
		struct tcc_model *m = tcc_text_parse(c, "t", full_model, i);
		if (!m) {
			ck_assert_int_eq(tcc_diag_error_count(c->diag), 1);
			failures++;
		}
		tcc_ctx_free(c);
	}
	/* only prefixes that end after the graph's closing brace can parse */
	ck_assert_int_ge(failures, (int)(strstr(full_model, "\n}\n") - full_model));
}
END_TEST

/* Every single-byte corruption of a valid text: no crash, at most one error. */
START_TEST(test_corruptions)
{
	static const char bytes[] = "<>()[]{},:=.@?\"#-1a\n\\";
	size_t len = strlen(full_model);
	char *buf = malloc(len);

	for (size_t i = 0; i < len; i += 3) {
		for (size_t k = 0; k < sizeof(bytes) - 1; k++) {
			struct tcc_ctx *c = tcc_ctx_new();
			memcpy(buf, full_model, len);
			buf[i] = bytes[k];
			if (!tcc_text_parse(c, "t", buf, len))
				ck_assert_int_eq(tcc_diag_error_count(c->diag), 1);
			tcc_ctx_free(c);
		}
	}
	free(buf);
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_full_model);
	tcase_add_test(tc, test_canonical_forms);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_tensor_data);
	tcase_add_test(tc, test_ir_fields);
	tcase_add_test(tc, test_forward_refs);
	tcase_add_test(tc, test_float_attrs);
	tcase_add_test(tc, test_elide);
	tcase_add_test(tc, test_built_model);
	tcase_add_test(tc, test_print_type);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_corruptions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(text_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
