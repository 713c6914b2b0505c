/* Pipeline strings: parse → print round trips, defaults, every error message, running with the
 * after-pass hook. A private pass table holds passes with INT, BOOL and STRING options. */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ir/graph/graph.h"
#include "passes/pipeline.h"

struct test_options {
	int64_t count;
	int64_t flag;
	const char *label;
};

static const struct tcc_pass_option test_opts[] = {
	{ "count", TCC_OPT_INT, offsetof(struct test_options, count), "8", "a number" },
	{ "flag", TCC_OPT_BOOL, offsetof(struct test_options, flag), "false", "a switch" },
	{ "label", TCC_OPT_STRING, offsetof(struct test_options, label), "none", "a word" },
};

/* What the passes saw, in run order. */
static char ran[256];
static int fail_in_pass;

static tcc_stat opt_run(struct tcc_model *m, const void *options)
{
	const struct test_options *o = options;
	size_t n = strlen(ran);

	(void)m;
	snprintf(ran + n, sizeof(ran) - n, "opt(%lld,%lld,%s);", (long long)o->count,
		 (long long)o->flag, o->label ? o->label : "NULL");
	return 0;
}

static tcc_stat plain_run(struct tcc_model *m, const void *options)
{
	(void)options;
	strncat(ran, "plain;", sizeof(ran) - strlen(ran) - 1);
	if (fail_in_pass)
		return -1;
	(void)m;
	return 0;
}

static const struct tcc_pass test_opt_pass = {
	.name = "opt",
	.summary = "pass with options",
	.options = test_opts,
	.noptions = 3,
	.options_size = sizeof(struct test_options),
	.run = opt_run,
};

static const struct tcc_pass test_plain_pass = {
	.name = "plain-pass",
	.summary = "pass without options",
	.run = plain_run,
};

static const struct tcc_pass *const table[] = { &test_opt_pass, &test_plain_pass, NULL };

/* Parse text with the test table and print it back; NULL (and *err set) on error. The result
 * is malloc'ed. */
static char *round_trip(const char *text, char **err)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_pipeline *pl = tcc_pipeline_parse_table(ctx, "P", text, table);
	char *out = NULL;

	*err = NULL;
	if (pl) {
		struct tcc_printer *p = tcc_printer_to_str();
		tcc_pipeline_print(p, pl);
		out = tcc_printer_take_str(p);
	} else {
		ck_assert_int_eq(tcc_diag_error_count(ctx->diag), 1);
		*err = strdup(tcc_diag_first_error(ctx->diag));
	}
	tcc_pipeline_free(pl);
	tcc_ctx_free(ctx);
	return out;
}

struct ok_case {
	const char *in, *out;
};

static const struct ok_case ok_cases[] = {
	{ "", "" },
	{ "   ", "" },
	{ "plain-pass", "plain-pass" },
	{ "opt", "opt{count=8,flag=false,label=none}" },
	{ "opt{}", "opt{count=8,flag=false,label=none}" },
	{ " opt { count = -3 , flag=1 } , plain-pass ",
	  "opt{count=-3,flag=true,label=none},plain-pass" },
	{ "opt{flag=true,count=9223372036854775807}",
	  "opt{count=9223372036854775807,flag=true,label=none}" },
	{ "opt{count=-9223372036854775808}",
	  "opt{count=-9223372036854775808,flag=false,label=none}" },
	{ "opt{flag=0}", "opt{count=8,flag=false,label=none}" },
	{ "opt{label=hello world}", "opt{count=8,flag=false,label=\"hello world\"}" },
	{ "opt{label=\"a,b}c\"}", "opt{count=8,flag=false,label=\"a,b}c\"}" },
	{ "opt{label=\"q\\\"b\\\\s\"}", "opt{count=8,flag=false,label=\"q\\\"b\\\\s\"}" },
	{ "opt{label=\"\"}", "opt{count=8,flag=false,label=\"\"}" },
	{ "opt{label=}", "opt{count=8,flag=false,label=\"\"}" },
	{ "plain-pass,plain-pass,opt", "plain-pass,plain-pass,opt{count=8,flag=false,label=none}" },
	{ "plain-pass{}", "plain-pass" },
};

START_TEST(test_round_trip)
{
	const struct ok_case *c = &ok_cases[_i];
	char *err, *out = round_trip(c->in, &err);
	char *again, *err2;

	ck_assert_msg(out != NULL, "'%s' failed: %s", c->in, err ? err : "?");
	ck_assert_str_eq(out, c->out);
	/* The printed form parses back to itself. */
	again = round_trip(out, &err2);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(again, out);
	free(again);
	free(out);
}
END_TEST

struct err_case {
	const char *in, *msg;
};

static const struct err_case err_cases[] = {
	{ "bogus", "P:1:1: error: unknown pass 'bogus' (known passes: opt, plain-pass)" },
	{ "plain-pass,bogus{x=1}",
	  "P:1:12: error: unknown pass 'bogus' (known passes: opt, plain-pass)" },
	{ "opt{size=1}",
	  "P:1:5: error: unknown option 'size' for pass 'opt' (options: count, "
	  "flag, label)" },
	{ "plain-pass{x=1}",
	  "P:1:12: error: unknown option 'x' for pass 'plain-pass' (it has no "
	  "options)" },
	{ "opt{count=abc}",
	  "P:1:11: error: bad value 'abc' for option 'count' of pass 'opt': "
	  "expected an integer" },
	{ "opt{count=12x}",
	  "P:1:11: error: bad value '12x' for option 'count' of pass 'opt': "
	  "expected an integer" },
	{ "opt{count=}",
	  "P:1:11: error: bad value '' for option 'count' of pass 'opt': "
	  "expected an integer" },
	{ "opt{count=99999999999999999999}",
	  "P:1:11: error: bad value '99999999999999999999' for option 'count' of "
	  "pass 'opt': integer out of range" },
	{ "opt{flag=yes}",
	  "P:1:10: error: bad value 'yes' for option 'flag' of pass 'opt': "
	  "expected true or false" },
	{ "opt{count=1", "P:1:4: error: unbalanced braces: '{' without '}'" },
	{ "opt}", "P:1:4: error: unbalanced braces: '}' without '{'" },
	{ "opt{count=1}}", "P:1:13: error: unbalanced braces: '}' without '{'" },
	{ "}", "P:1:1: error: unbalanced braces: '}' without '{'" },
	{ "opt,,plain-pass", "P:1:5: error: empty pipeline element" },
	{ "opt,", "P:1:5: error: empty pipeline element" },
	{ ",opt", "P:1:1: error: empty pipeline element" },
	{ "opt plain-pass", "P:1:5: error: expected ',' between pipeline elements, found 'p'" },
	{ "opt{count 1}", "P:1:11: error: expected '=' after option 'count' of pass 'opt'" },
	{ "opt{=1}", "P:1:5: error: expected an option name for pass 'opt'" },
	{ "opt{count=1,count=2}", "P:1:13: error: option 'count' of pass 'opt' is given twice" },
	{ "opt{label=\"abc}", "P:1:11: error: unterminated string in pipeline" },
	{ "opt{label=\"a\"b}", "P:1:14: error: expected ',' or '}' in the options of pass 'opt'" },
	{ "o@t", "P:1:1: error: unknown pass 'o' (known passes: opt, plain-pass)" },
	{ "opt@", "P:1:4: error: expected ',' between pipeline elements, found '@'" },
	{ "@", "P:1:1: error: unexpected '@' in pipeline" },
};

START_TEST(test_errors)
{
	const struct err_case *c = &err_cases[_i];
	char *err, *out = round_trip(c->in, &err);

	ck_assert_msg(out == NULL, "'%s' parsed as '%s'", c->in, out ? out : "");
	ck_assert_str_eq(err, c->msg);
	free(err);
}
END_TEST

/* The registry's own passes parse under their names and print back parseably. */
START_TEST(test_registry)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_printer *p = tcc_printer_to_str();

	for (int i = 0; tcc_passes[i]; i++) {
		struct tcc_pipeline *pl = tcc_pipeline_parse(ctx, "P", tcc_passes[i]->name);
		ck_assert_msg(pl != NULL, "%s", tcc_diag_first_error(ctx->diag));
		ck_assert_int_eq(tcc_pipeline_length(pl), 1);
		tcc_pipeline_print(p, pl);
		tcc_printer_char(p, ',');
		tcc_pipeline_free(pl);
		ck_assert_ptr_eq(tcc_pass_find(tcc_passes[i]->name), tcc_passes[i]);
	}
	ck_assert_ptr_null(tcc_pass_find("no-such-pass"));
	char *all = tcc_printer_take_str(p);
	all[strlen(all) - 1] = 0;
	struct tcc_pipeline *pl = tcc_pipeline_parse(ctx, "P", all);
	ck_assert_ptr_nonnull(pl);
	tcc_pipeline_free(pl);
	free(all);
	tcc_ctx_free(ctx);
}
END_TEST

static int hook_calls;
static char hook_seen[128];

static int hook(const char *pass, struct tcc_model *m, void *user)
{
	int stop_after = *(int *)user;

	(void)m;
	hook_calls++;
	strncat(hook_seen, pass, sizeof(hook_seen) - strlen(hook_seen) - 2);
	strcat(hook_seen, ";");
	return hook_calls == stop_after;
}

/* A model that verifies: one typed input passed straight to the output. */
static struct tcc_model *tiny_model(struct tcc_ctx *ctx)
{
	struct tcc_model *m = tcc_model_new(ctx, "tiny");
	struct tcc_value *x;

	x = tcc_graph_new_value(m->graph, "x");
	tcc_type_set_tensor(ctx, &x->type, TCC_DT_FLOAT, 1, (int64_t[]){ 4 });
	tcc_graph_add_input(m->graph, x);
	tcc_graph_add_output(m->graph, x);
	return m;
}

START_TEST(test_run)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m = tiny_model(ctx);
	struct tcc_pipeline *pl =
		tcc_pipeline_parse_table(ctx, "P", "plain-pass,opt{count=2,label=x},opt", table);
	int stop = 0;

	ck_assert_ptr_nonnull(pl);
	ran[0] = hook_seen[0] = 0;
	hook_calls = 0;
	ck_assert_int_eq(tcc_pipeline_run(pl, m, 1, hook, &stop), 0);
	ck_assert_str_eq(ran, "plain;opt(2,0,x);opt(8,0,none);");
	ck_assert_str_eq(hook_seen, "plain-pass;opt;opt;");

	/* A positive hook return ends the run early without failing it. */
	ran[0] = hook_seen[0] = 0;
	hook_calls = 0;
	stop = 2;
	ck_assert_int_eq(tcc_pipeline_run(pl, m, 0, hook, &stop), 0);
	ck_assert_str_eq(ran, "plain;opt(2,0,x);");

	/* A failing pass stops the run and is reported. */
	ran[0] = 0;
	fail_in_pass = 1;
	ck_assert_int_eq(tcc_pipeline_run(pl, m, 1, NULL, NULL), -1);
	fail_in_pass = 0;
	ck_assert_str_eq(ran, "plain;");
	ck_assert_str_eq(tcc_diag_first_error(ctx->diag), "tiny: error: pass 'plain-pass' failed");
	tcc_pipeline_free(pl);
	tcc_ctx_free(ctx);
}
END_TEST

/* verify-each catches IR a pass broke. */
static tcc_stat break_run(struct tcc_model *m, const void *options)
{
	(void)options;
	m->graph->inputs[0]->type.kind = TCC_TYPE_UNKNOWN;
	return 0;
}

static const struct tcc_pass test_break_pass = { .name = "break", .run = break_run };
static const struct tcc_pass *const break_table[] = { &test_break_pass, NULL };

START_TEST(test_verify_each)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_model *m = tiny_model(ctx);
	struct tcc_pipeline *pl = tcc_pipeline_parse_table(ctx, "P", "break", break_table);

	ck_assert_int_eq(tcc_pipeline_run(pl, m, 0, NULL, NULL), 0);
	ck_assert_int_eq(tcc_diag_error_count(ctx->diag), 0);
	ck_assert_int_eq(tcc_pipeline_run(pl, m, 1, NULL, NULL), -1);
	ck_assert_str_eq(tcc_diag_first_error(ctx->diag), "tiny: error: graph input 'x' has no type");
	ck_assert_ptr_nonnull(strstr(tcc_diag_all(ctx->diag), "the IR is invalid after pass 'break'"));
	tcc_pipeline_free(pl);
	tcc_ctx_free(ctx);
}
END_TEST

static Suite *pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_round_trip, 0, sizeof(ok_cases) / sizeof(ok_cases[0]));
	tcase_add_loop_test(tc, test_errors, 0, sizeof(err_cases) / sizeof(err_cases[0]));
	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_run);
	tcase_add_test(tc, test_verify_each);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pipeline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
