/* Serialized tensors (frontend/onnx/tensor_file.h): write/read round trips of several dtypes,
 * a real backend-test input, and damaged files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend/onnx/tensor_file.h"

static struct tcc_ctx *ctx;
static char dir[] = "/tmp/check_tensor_file_XXXXXX";
static char path[4200];

static void setup(void)
{
	ctx = tcc_ctx_new();
	strcpy(dir, "/tmp/check_tensor_file_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.pb", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
	tcc_ctx_free(ctx);
}

/* A tensor of dtype and shape [2,3] with element i = i - 2 (as the dtype stores it). */
static struct tcc_tensor_data *make(int dtype)
{
	int64_t dims[] = { 2, 3 };
	struct tcc_loc loc = { .file = "test" };
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, loc, dtype, 2, dims);

	ck_assert_ptr_nonnull(t);
	for (int64_t i = 0; i < t->numel; i++)
		tcc_tensor_set_f64(t, i, (double)i - 2.0);
	return t;
}

START_TEST(test_roundtrip)
{
	static const int dtypes[] = { TCC_DT_FLOAT, TCC_DT_DOUBLE, TCC_DT_INT64, TCC_DT_INT32,
				      TCC_DT_INT8, TCC_DT_UINT8, TCC_DT_BOOL, TCC_DT_FLOAT16,
				      TCC_DT_BFLOAT16 };
	int dtype = dtypes[_i];
	struct tcc_tensor_data *t = make(dtype), *back;

	ck_assert_int_eq(tcc_onnx_write_tensor(t, "x", path), 0);
	back = tcc_onnx_read_tensor(ctx, path);
	ck_assert_msg(back, "%s", tcc_diag_first_error(ctx->diag));
	ck_assert_str_eq(back->name, "x");
	ck_assert_int_eq(back->dtype, dtype);
	ck_assert_int_eq(back->rank, 2);
	ck_assert_int_eq(back->dims[0], 2);
	ck_assert_int_eq(back->dims[1], 3);
	ck_assert(tcc_tensor_equal(t, back));
}
END_TEST

START_TEST(test_scalar_and_empty)
{
	struct tcc_loc loc = { .file = "test" };
	int64_t zero[] = { 0, 4 };
	struct tcc_tensor_data *s = tcc_tensor_new(ctx, loc, TCC_DT_FLOAT, 0, NULL), *e, *back;

	ck_assert_ptr_nonnull(s);
	tcc_tensor_set_f64(s, 0, 2.5);
	ck_assert_int_eq(tcc_onnx_write_tensor(s, NULL, path), 0);
	back = tcc_onnx_read_tensor(ctx, path);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(back->rank, 0);
	ck_assert(tcc_tensor_get_f64(back, 0) == 2.5);

	e = tcc_tensor_new(ctx, loc, TCC_DT_INT64, 2, zero);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(tcc_onnx_write_tensor(e, "empty", path), 0);
	back = tcc_onnx_read_tensor(ctx, path);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(back->numel, 0);
	ck_assert_int_eq(back->dims[1], 4);
}
END_TEST

START_TEST(test_shared_input)
{
	const char *shared = getenv("TCC_SHARED");
	char pb[4200];
	struct tcc_tensor_data *t;

	if (!shared || !shared[0])
		shared = "../shared";
	snprintf(pb, sizeof(pb), "%s/onnx-tests/node/test_abs/test_data_set_0/input_0.pb", shared);
	if (access(pb, R_OK) != 0) {
		fprintf(stderr, "test_shared_input: skipped (%s not found)\n", pb);
		return;
	}
	t = tcc_onnx_read_tensor(ctx, pb);
	ck_assert_msg(t, "%s", tcc_diag_first_error(ctx->diag));
	ck_assert_int_eq(t->dtype, TCC_DT_FLOAT);
	ck_assert_int_eq(t->rank, 3);
	ck_assert_int_eq(t->dims[0], 3);
	ck_assert_int_eq(t->dims[1], 4);
	ck_assert_int_eq(t->dims[2], 5);
	ck_assert_int_eq(t->numel, 60);
}
END_TEST

/* Write the first n bytes of buf to path. */
static void put(const void *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	fclose(f);
}

static void expect_invalid(void)
{
	char want[4300];

	tcc_diag_clear(ctx->diag);
	ck_assert_ptr_null(tcc_onnx_read_tensor(ctx, path));
	snprintf(want, sizeof(want), "%s: error: not a valid TensorProto", path);
	ck_assert_str_eq(tcc_diag_first_error(ctx->diag), want);
}

START_TEST(test_truncated)
{
	struct tcc_tensor_data *t = make(TCC_DT_FLOAT);
	FILE *f;
	char buf[256];
	size_t len;

	ck_assert_int_eq(tcc_onnx_write_tensor(t, "x", path), 0);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_uint_gt(len, 24);
	/* Cut inside raw_data: the length prefix claims more bytes than remain. */
	put(buf, len - 5);
	expect_invalid();
	put("\xff\xff\xff\xff", 4);
	expect_invalid();
	put("", 0);
	expect_invalid();
}
END_TEST

START_TEST(test_errors)
{
	struct tcc_tensor_data *t = make(TCC_DT_INT32);
	char bad[4300];

	ck_assert_ptr_null(tcc_onnx_read_tensor(ctx, "/nonexistent/x.pb"));
	ck_assert_ptr_nonnull(strstr(tcc_diag_first_error(ctx->diag),
				     "/nonexistent/x.pb: error: cannot open"));
	snprintf(bad, sizeof(bad), "%s/no/such/dir/t.pb", dir);
	ck_assert_int_eq(tcc_onnx_write_tensor(t, NULL, bad), -1);
}
END_TEST

static Suite *tensor_file_suite(void)
{
	Suite *s = suite_create("tensor_file");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_roundtrip, 0, 9);
	tcase_add_test(tc, test_scalar_and_empty);
	tcase_add_test(tc, test_shared_input);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tensor_file_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
