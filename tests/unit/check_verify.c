/* The graph verifier: graphs built with the builder API, each broken in one way, must give
 * exactly the expected first error; good graphs (including out-of-order ones after toposort and
 * sub-graphs using outer values) must verify. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ir/graph/graph.h"
#include "ir/graph/verify.h"

static struct tcc_ctx *ctx;
static struct tcc_model *m;
static struct tcc_graph *g;

static void setup(void)
{
	ctx = tcc_ctx_new();
	m = tcc_model_new(ctx, "m.onnx");
	g = m->graph;
}

static void teardown(void)
{
	tcc_ctx_free(ctx);
	ctx = NULL;
}

static struct tcc_value *val(struct tcc_graph *gr, const char *name, int typed)
{
	struct tcc_value *v = tcc_graph_new_value(gr, name);

	ck_assert_ptr_nonnull(v);
	if (typed)
		tcc_type_set_tensor(ctx, &v->type, TCC_DT_FLOAT, 2, (int64_t[]){ 2, 3 });
	return v;
}

static struct tcc_value *input(const char *name)
{
	struct tcc_value *v = val(g, name, 1);

	tcc_graph_add_input(g, v);
	return v;
}

static struct tcc_node *node1(struct tcc_graph *gr, const char *op, const char *name,
			      struct tcc_value *in, struct tcc_value *out)
{
	struct tcc_loc loc = { 0 };
	struct tcc_node *n = tcc_graph_add_node(gr, op, "", name, in ? 1 : 0, &in, 1, &out, loc);

	ck_assert_ptr_nonnull(n);
	return n;
}

/* Verify m: expect success (msg NULL) or exactly msg as the first error. */
static void expect(const char *msg)
{
	tcc_stat r = tcc_model_verify(m);

	if (!msg) {
		ck_assert_msg(r == 0, "unexpected: %s", tcc_diag_first_error(ctx->diag));
		return;
	}
	ck_assert_int_eq(r, -1);
	ck_assert_str_eq(tcc_diag_first_error(ctx->diag), msg);
}

START_TEST(test_good)
{
	struct tcc_value *x = input("x"), *t = val(g, "t", 1), *y = val(g, "y", 1);
	struct tcc_value *w = val(g, "w", 1);
	struct tcc_tensor_data *wt = tcc_tensor_new(ctx, g->loc, TCC_DT_FLOAT, 2, (int64_t[]){ 2, 3 });
	struct tcc_value *ins[2];

	tcc_graph_add_initializer(g, w, wt);
	node1(g, "Relu", "A", x, t);
	ins[0] = t;
	ins[1] = w;
	tcc_graph_add_node(g, "Add", "", "B", 2, ins, 1, &y, (struct tcc_loc){ 0 });
	tcc_graph_add_output(g, y);
	expect(NULL);
	ck_assert_int_eq(tcc_graph_verify(g), 0);
}
END_TEST

START_TEST(test_duplicate_definition)
{
	struct tcc_value *x = input("x");

	node1(g, "Relu", "A", x, val(g, "y", 1));
	node1(g, "Neg", "B", x, val(g, "y", 1));
	expect("m.onnx: node B: error: value 'y' is defined more than once");
}
END_TEST

START_TEST(test_two_producers)
{
	struct tcc_value *x = input("x"), *y = val(g, "y", 1);

	node1(g, "Relu", "A", x, y);
	node1(g, "Neg", "B", x, y);
	tcc_graph_add_output(g, y);
	expect("m.onnx: node B: error: value 'y' is defined more than once");
}
END_TEST

START_TEST(test_output_redefines_input)
{
	struct tcc_value *x = input("x");

	node1(g, "Relu", "A", x, val(g, "x", 1));
	expect("m.onnx: node A: error: value 'x' is defined more than once");
}
END_TEST

START_TEST(test_use_before_def)
{
	struct tcc_value *x = input("x"), *t = val(g, "t", 1), *y = val(g, "y", 1);

	node1(g, "Neg", "B", t, y);
	node1(g, "Relu", "A", x, t);
	tcc_graph_add_output(g, y);
	expect("m.onnx: node B: error: input 't' is used before it is defined");
	/* tcc-opt sorts first: the same graph is then fine. */
	tcc_diag_clear(ctx->diag);
	ck_assert_int_eq(tcc_graph_toposort(g), 0);
	expect(NULL);
}
END_TEST

START_TEST(test_undefined_input)
{
	struct tcc_graph *other = tcc_graph_new(ctx, NULL);
	struct tcc_value *stray = val(other, "stray", 1);

	node1(g, "Relu", "A", stray, val(g, "y", 1));
	expect("m.onnx: node A: error: input 'stray' is not defined");
}
END_TEST

START_TEST(test_undefined_output)
{
	struct tcc_value *x = input("x");

	node1(g, "Relu", "A", x, val(g, "y", 1));
	tcc_graph_add_output(g, val(g, "z", 1));
	expect("m.onnx: error: graph output 'z' is not defined");
}
END_TEST

START_TEST(test_untyped_input)
{
	struct tcc_value *x = val(g, "x", 0);

	tcc_graph_add_input(g, x);
	tcc_graph_add_output(g, x);
	expect("m.onnx: error: graph input 'x' has no type");
}
END_TEST

START_TEST(test_cycle)
{
	struct tcc_value *a = val(g, "a", 1), *b = val(g, "b", 1);

	node1(g, "Relu", "A", b, a);
	node1(g, "Neg", "B", a, b);
	tcc_graph_add_output(g, b);
	ck_assert_int_eq(tcc_graph_toposort(g), -1);
	ck_assert_str_eq(tcc_diag_first_error(ctx->diag),
			 "m.onnx: node A: error: graph has a cycle through this node (Relu)");
	tcc_diag_clear(ctx->diag);
	expect("m.onnx: node A: error: input 'b' is used before it is defined");
}
END_TEST

START_TEST(test_initializer_mismatch)
{
	struct tcc_value *w = val(g, "w", 1);
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, g->loc, TCC_DT_INT64, 2, (int64_t[]){ 2, 4 });

	tcc_graph_add_initializer(g, w, t);
	tcc_graph_add_output(g, w);
	expect("m.onnx: error: initializer 'w' is declared as float[2,3] but its data is "
	       "int64[2,4]");
}
END_TEST

START_TEST(test_initializer_bad_data)
{
	struct tcc_value *w = val(g, "w", 0);
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, g->loc, TCC_DT_FLOAT, 1, (int64_t[]){ 4 });

	t->nbytes = 8;
	tcc_graph_add_initializer(g, w, t);
	tcc_graph_add_output(g, w);
	expect("m.onnx: error: initializer 'w' holds 8 bytes of data, expected 16");
}
END_TEST

START_TEST(test_invalid_dtype)
{
	struct tcc_value *x = input("x");

	x->type.elem = 99;
	tcc_graph_add_output(g, x);
	expect("m.onnx: error: value 'x' has an invalid element type 99");
}
END_TEST

START_TEST(test_attributes)
{
	struct tcc_value *x = input("x"), *y = val(g, "y", 1);
	struct tcc_node *n = node1(g, "Foo", "A", x, y);
	struct tcc_attr *a;

	tcc_graph_add_output(g, y);
	a = tcc_node_add_attr(n, "value", TCC_ATTR_TENSOR);
	expect("m.onnx: node A: error: attribute 'value' of kind tensor has no value");
	tcc_diag_clear(ctx->diag);
	a->kind = TCC_ATTR_INTS;
	a->n = -1;
	expect("m.onnx: node A: error: attribute 'value' has a negative count");
	tcc_diag_clear(ctx->diag);
	a->n = 0;
	expect(NULL);
	tcc_node_add_attr(n, "value", TCC_ATTR_INT);
	expect("m.onnx: node A: error: attribute 'value' is given more than once");
}
END_TEST

/* A sub-graph may use outer values defined before its node, and its inputs may be untyped. */
START_TEST(test_subgraph)
{
	struct tcc_value *x = input("x"), *late = val(g, "late", 1), *y = val(g, "y", 1);
	struct tcc_node *n = node1(g, "Loop", "L", x, y);
	struct tcc_graph *body = tcc_graph_new(ctx, g);
	struct tcc_value *i = val(body, "i", 0), *o = val(body, "o", 0);
	struct tcc_attr *a = tcc_node_add_attr(n, "body", TCC_ATTR_GRAPH);

	body->loc = g->loc;
	a->u.g = body;
	tcc_graph_add_input(body, i);
	node1(body, "Add", "inner", x, o);
	tcc_graph_add_output(body, o);
	node1(g, "Relu", "R", x, late);
	tcc_graph_add_output(g, y);
	tcc_graph_add_output(g, late);
	expect(NULL);
	ck_assert_int_eq(tcc_graph_verify(body), 0);
	/* Using a value defined after the node holding the sub-graph is an error. */
	body->nodes[0]->inputs[0] = late;
	expect("m.onnx: node inner: error: input 'late' is used before it is defined");
}
END_TEST

START_TEST(test_dead_nodes_skipped)
{
	struct tcc_value *x = input("x"), *t = val(g, "t", 1);
	struct tcc_node *n = node1(g, "Relu", "A", x, t);

	tcc_graph_add_output(g, x);
	tcc_graph_remove_node(g, n);
	expect(NULL);
}
END_TEST

static Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_duplicate_definition);
	tcase_add_test(tc, test_two_producers);
	tcase_add_test(tc, test_output_redefines_input);
	tcase_add_test(tc, test_use_before_def);
	tcase_add_test(tc, test_undefined_input);
	tcase_add_test(tc, test_undefined_output);
	tcase_add_test(tc, test_untyped_input);
	tcase_add_test(tc, test_cycle);
	tcase_add_test(tc, test_initializer_mismatch);
	tcase_add_test(tc, test_initializer_bad_data);
	tcase_add_test(tc, test_invalid_dtype);
	tcase_add_test(tc, test_attributes);
	tcase_add_test(tc, test_subgraph);
	tcase_add_test(tc, test_dead_nodes_skipped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(verify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
