/* The compile path: programs built by hand from kernel text → LLVM → .so (+ .h), loaded and
 * run through the runtime; the named entry point; two models in one process; link and
 * binding errors; whole models from text through tcc_compile_model. */
#include <check.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/tcc_rt.h"

#include "codegen/codegen.h"
#include "codegen/compile.h"
#include "codegen/names.h"
#include "codegen/weights.h"
#include "frontend/text/text.h"

static char tmpdir[256];

static void make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_compile-XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *tmp_path(const char *name)
{
	static char buf[4][512];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

static const char *first_error(struct tcc_ctx *ctx)
{
	const char *e = tcc_diag_first_error(ctx->diag);

	return e ? e : "(no error)";
}

/* ---- A hand-built program: t = x + c (temp), y = relu(t), z = t * 3 ------------------- */

static const char add_k[] = "kernel add(in A: float[2,3], in B: float[2,3], out T: float[2,3]) {\n"
			    "  S0[i<2, j<3]: T[i,j] = A[i,j] + B[i,j]\n}\n";
static const char relu_k[] = "kernel relu(in T: float[2,3], out Y: float[2,3]) {\n"
			     "  S0[i<2, j<3]: Y[i,j] = relu(T[i,j])\n}\n";
static const char scale_k[] = "kernel scale(in T: float[2,3], out Z: float[2,3]) {\n"
			      "  S0[i<2, j<3]: Z[i,j] = T[i,j] * 3.0\n}\n";
static const int64_t dims23[] = { 2, 3 };
static const float cvals[6] = { 1, -2, 3, -4, 5, -6 };

static struct tcc_kernel *kernel(struct tcc_ctx *ctx, const char *text)
{
	struct tcc_kernel *k = tcc_kernel_parse(ctx, "k", text, strlen(text));

	ck_assert_msg(k != NULL, "%s", first_error(ctx));
	ck_assert_msg(tcc_kernel_verify(k) == 0, "%s", first_error(ctx));
	return k;
}

static struct tcc_pbuf *buf(struct tcc_program *p, const char *name, enum tcc_pbuf_role role,
			    int io)
{
	struct tcc_pbuf *b = tcc_program_add_buf(p, name, role, TCC_DT_FLOAT, 2, dims23);

	ck_assert_ptr_nonnull(b);
	b->io_index = io;
	p->ninputs += role == TCC_PBUF_INPUT;
	p->noutputs += role == TCC_PBUF_OUTPUT;
	return b;
}

/* Buffers: 0 x (input 0), 1 c (const, cvals * "cscale"), 2 t (temp), 3 y, 4 z (outputs). */
static struct tcc_program *build_prog(struct tcc_ctx *ctx, const char *name, float cscale)
{
	struct tcc_program *p = tcc_program_new(ctx, name);
	struct tcc_loc loc = { .file = "prog" };
	struct tcc_tensor_data *t = tcc_tensor_new(ctx, loc, TCC_DT_FLOAT, 2, dims23);
	int b_add[] = { 0, 1, 2 }, b_relu[] = { 2, 3 }, b_scale[] = { 2, 4 };

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 6; i++)
		((float *)t->data)[i] = cvals[i] * cscale;
	buf(p, "x", TCC_PBUF_INPUT, 0);
	buf(p, "c", TCC_PBUF_CONST, -1)->data = t;
	buf(p, "t", TCC_PBUF_TEMP, -1);
	buf(p, "y", TCC_PBUF_OUTPUT, 0);
	buf(p, "z", TCC_PBUF_OUTPUT, 1);
	ck_assert_int_eq(tcc_program_add_kernel(p, kernel(ctx, add_k), b_add, loc), 0);
	ck_assert_int_eq(tcc_program_add_kernel(p, kernel(ctx, relu_k), b_relu, loc), 0);
	ck_assert_int_eq(tcc_program_add_kernel(p, kernel(ctx, scale_k), b_scale, loc), 0);
	ck_assert_int_eq(tcc_program_plan_memory(p), 0);
	return p;
}

/* prog → OBJ → SO (+ header H when not NULL); returns the status. */
static tcc_stat compile_prog(struct tcc_program *prog, const char *so, const char *h)
{
	char obj[600];
	struct tcc_llvm *cg = tcc_llvm_new(prog->ctx, prog->name, NULL);
	tcc_stat st = -1;

	ck_assert_msg(cg != NULL, "%s", first_error(prog->ctx));
	snprintf(obj, sizeof(obj), "%s.o", so);
	if (tcc_llvm_add_program(cg, prog) < 0 || tcc_llvm_optimize(cg) < 0 ||
	    tcc_llvm_write_object(cg, obj) < 0)
		goto out;
	if (tcc_link_shared(prog->ctx, obj, so) < 0)
		goto out;
	st = h ? tcc_write_header(prog, h) : 0;
out:
	tcc_llvm_free(cg);
	unlink(obj);
	return st;
}

/* prog → SO with every constant of more than "above" bytes in WTS (+ header H). */
static tcc_stat compile_prog_w(struct tcc_program *prog, const char *so, const char *h,
			       int64_t above, const char *wts)
{
	char obj[600];
	struct tcc_llvm *cg = tcc_llvm_new(prog->ctx, prog->name, NULL);
	struct tcc_weights w;
	tcc_stat st = -1;

	ck_assert_msg(cg != NULL, "%s", first_error(prog->ctx));
	ck_assert_int_eq(tcc_weights_plan(prog, above, &w), 0);
	w.file_name = strrchr(wts, '/') + 1;
	snprintf(obj, sizeof(obj), "%s.o", so);
	if (tcc_llvm_add_program_weights(cg, prog, &w) < 0 || tcc_llvm_optimize(cg) < 0 ||
	    tcc_llvm_write_object(cg, obj) < 0 || tcc_link_shared(prog->ctx, obj, so) < 0)
		goto out;
	if (w.count && tcc_weights_write(prog, &w, wts) < 0)
		goto out;
	st = h ? tcc_write_header_weights(prog, h, &w) : 0;
out:
	tcc_weights_fini(&w);
	tcc_llvm_free(cg);
	unlink(obj);
	return st;
}

static tcc_model *load(const char *so)
{
	char err[512] = "";
	tcc_model *m = tcc_model_load(so, err, sizeof(err));

	ck_assert_msg(m != NULL, "%s", err);
	return m;
}

static const float xvals[6] = { 0.5f, 1.5f, -3.5f, 2.0f, -7.0f, 8.0f };

/* Run m on xvals and check y = relu(x + c*s), z = 3 (x + c*s). */
static void run_and_check(tcc_model *m, float cscale)
{
	float y[6], z[6];
	tcc_tensor in = { (void *)xvals, dims23, 2, TCC_RT_DTYPE_FLOAT };
	tcc_tensor out[2] = { { y, dims23, 2, TCC_RT_DTYPE_FLOAT },
				 { z, dims23, 2, TCC_RT_DTYPE_FLOAT } };

	ck_assert_msg(tcc_model_run(m, &in, 1, out, 2) == 0, "%s", tcc_model_last_error(m));
	for (int i = 0; i < 6; i++) {
		float t = xvals[i] + cvals[i] * cscale;

		ck_assert_float_eq(y[i], t > 0 ? t : 0);
		ck_assert_float_eq(z[i], t * 3.0f);
	}
}

static void check_tdesc(const struct tcc_rt_tensor_desc *d, const char *name)
{
	ck_assert_str_eq(d->name, name);
	ck_assert_int_eq(d->dtype, TCC_RT_DTYPE_FLOAT);
	ck_assert_int_eq(d->rank, 2);
	ck_assert_int_eq(d->shape[0], 2);
	ck_assert_int_eq(d->shape[1], 3);
}

START_TEST(test_program_so)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_program *p = build_prog(ctx, "add_relu", 1.0f);
	const struct tcc_rt_model_desc *d;
	struct tcc_rt_tensor_desc info;
	tcc_model *m;

	make_tmpdir();
	ck_assert_msg(compile_prog(p, tmp_path("m.so"), NULL) == 0, "%s", first_error(ctx));
	m = load(tmp_path("m.so"));
	ck_assert_str_eq(tcc_model_name(m), "add_relu");
	ck_assert_int_eq(tcc_model_num_inputs(m), 1);
	ck_assert_int_eq(tcc_model_num_outputs(m), 2);
	ck_assert_int_eq(tcc_model_input_info(m, 0, &info), 0);
	check_tdesc(&info, "x");
	ck_assert_int_eq(tcc_model_output_info(m, 0, &info), 0);
	check_tdesc(&info, "y");
	ck_assert_int_eq(tcc_model_output_info(m, 1, &info), 0);
	check_tdesc(&info, "z");
	d = tcc_model_desc_of(m);
	ck_assert_uint_eq(d->magic, TCC_RT_ABI_MAGIC);
	ck_assert_uint_eq(d->abi_version, TCC_RT_ABI_VERSION);
	ck_assert_uint_eq(d->arena_size, (uint64_t)p->arena_size);
	ck_assert_uint_ge(d->arena_size, 24);
	ck_assert_uint_eq(d->arena_align, 64);
	ck_assert_int_eq(d->default_threads, 0);
	run_and_check(m, 1.0f);
	run_and_check(m, 1.0f);
	tcc_model_free(m);
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

typedef int (*entry_fn)(const float x[2][3], float y[2][3], float z[2][3]);

/* Call the named entry "sym" of the .so behind handle h and check it. */
static void call_entry(void *h, const char *sym, float cscale)
{
	entry_fn f = (entry_fn)(uintptr_t)dlsym(h, sym);
	float y[2][3], z[2][3];

	ck_assert_msg(f != NULL, "no symbol %s", sym);
	for (int round = 0; round < 2; round++) {
		ck_assert_int_eq(f((const float(*)[3])xvals, y, z), 0);
		for (int i = 0; i < 6; i++) {
			float t = xvals[i] + cvals[i] * cscale;

			ck_assert_float_eq(y[i / 3][i % 3], t > 0 ? t : 0);
			ck_assert_float_eq(z[i / 3][i % 3], t * 3.0f);
		}
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = calloc(1, 65536);

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(s);
	fread(s, 1, 65535, f);
	fclose(f);
	return s;
}

START_TEST(test_named_entry_and_header)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_program *p = build_prog(ctx, "add-relu.v2", 1.0f);
	void *h;
	char *text;

	make_tmpdir();
	ck_assert_msg(compile_prog(p, tmp_path("m.so"), tmp_path("m.h")) == 0, "%s",
		      first_error(ctx));
	h = dlopen(tmp_path("m.so"), RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(h != NULL, "%s", dlerror());
	call_entry(h, "add_relu_v2_run", 1.0f);
	/* Only the descriptor and the entry are exported: no runtime, kernels or data. */
	ck_assert_ptr_nonnull(dlsym(h, "tcc_model_desc"));
	ck_assert_ptr_null(dlsym(h, "tcc_model_run"));
	ck_assert_ptr_null(dlsym(h, "tcc_rt_parallel_for"));
	ck_assert_ptr_null(dlsym(h, "tcc_model_run_impl"));
	ck_assert_ptr_null(dlsym(h, "tcc_k0_add"));
	dlclose(h);
	text = slurp(tmp_path("m.h"));
	ck_assert_ptr_nonnull(strstr(text, "#ifndef TCC_MODEL_ADD_RELU_V2_H\n"));
	ck_assert_ptr_nonnull(strstr(text, "#include <stdint.h>\n"));
	ck_assert_ptr_nonnull(strstr(text, "#define ADD_RELU_V2_INPUT_0_SHAPE {2,3}\n"));
	ck_assert_ptr_nonnull(strstr(text, "#define ADD_RELU_V2_OUTPUT_1_SHAPE {2,3}\n"));
	ck_assert_ptr_nonnull(strstr(text, "#define ADD_RELU_V2_INPUT_0_NAME \"x\"\n"));
	ck_assert_ptr_nonnull(strstr(text, "int add_relu_v2_run(const float x[2][3], "
					   "float y[2][3], float z[2][3]);\n"));
	free(text);
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_two_models)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	tcc_model *a, *b;
	void *ha, *hb;

	make_tmpdir();
	ck_assert_msg(compile_prog(build_prog(ctx, "m", 1.0f), tmp_path("a.so"), NULL) == 0,
		      "%s", first_error(ctx));
	ck_assert_msg(compile_prog(build_prog(ctx, "m", -2.0f), tmp_path("b.so"), NULL) == 0,
		      "%s", first_error(ctx));
	a = load(tmp_path("a.so"));
	b = load(tmp_path("b.so"));
	run_and_check(a, 1.0f);
	run_and_check(b, -2.0f);
	run_and_check(a, 1.0f);
	ha = dlopen(tmp_path("a.so"), RTLD_NOW | RTLD_LOCAL);
	hb = dlopen(tmp_path("b.so"), RTLD_NOW | RTLD_LOCAL);
	ck_assert_ptr_nonnull(ha);
	ck_assert_ptr_nonnull(hb);
	call_entry(ha, "m_run", 1.0f);
	call_entry(hb, "m_run", -2.0f);
	dlclose(hb);
	dlclose(ha);
	tcc_model_free(a);
	tcc_model_free(b);
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_link_error)
{
	struct tcc_ctx *ctx = tcc_ctx_new();

	make_tmpdir();
	ck_assert_int_eq(tcc_link_shared(ctx, tmp_path("missing.o"), tmp_path("x.so")), -1);
	ck_assert_ptr_nonnull(strstr(first_error(ctx), "linking failed"));
	ck_assert_ptr_nonnull(strstr(first_error(ctx), "missing.o"));
	ck_assert_ptr_null(strchr(first_error(ctx), '\n'));
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_binding)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_program *p = build_prog(ctx, "m", 1.0f);
	struct tcc_llvm *cg = tcc_llvm_new(ctx, "m", NULL);

	p->kernels[1].bind[0] = 17;
	ck_assert_int_eq(tcc_llvm_add_program(cg, p), -1);
	ck_assert_ptr_nonnull(strstr(first_error(ctx), "kernel 'relu': buffer 'T' bound to "
						       "program buffer 17 of 5"));
	tcc_llvm_free(cg);
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_idents)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_program *p = tcc_program_new(ctx, "my-model.v2");
	char buf[TCC_IDENT_MAX];

	tcc_entry_name(buf, sizeof(buf), p);
	ck_assert_str_eq(buf, "my_model_v2_run");
	p->name = "tcc_model";
	tcc_entry_name(buf, sizeof(buf), p);
	ck_assert_str_eq(buf, "model_tcc_model_run");
	p->name = "3d-net";
	tcc_model_ident(buf, sizeof(buf), p);
	ck_assert_str_eq(buf, "model_3d_net");
	p->name = "";
	tcc_model_ident(buf, sizeof(buf), p);
	ck_assert_str_eq(buf, "model");
	tcc_c_ident(buf, 6, "abcdefgh", "x");
	ck_assert_str_eq(buf, "abcde");
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_header_params)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_program *p = tcc_program_new(ctx, "_odd");
	static const int64_t d2[] = { 2 }, d0[] = { 0, 3 };
	char *text;

	make_tmpdir();
	tcc_program_add_buf(p, "int", TCC_PBUF_INPUT, TCC_DT_FLOAT, 0, NULL)->io_index = 0;
	tcc_program_add_buf(p, "size_t", TCC_PBUF_INPUT, TCC_DT_FLOAT16, 2, d0)->io_index = 1;
	tcc_program_add_buf(p, "int", TCC_PBUF_OUTPUT, TCC_DT_BOOL, 1, d2)->io_index = 0;
	p->ninputs = 2;
	p->noutputs = 1;
	ck_assert_msg(tcc_write_header(p, tmp_path("o.h")) == 0, "%s", first_error(ctx));
	text = slurp(tmp_path("o.h"));
	ck_assert_msg(strstr(text, "int model__odd_run(const float *int_, const uint16_t *size_t_, "
				   "uint8_t int_2[2]);\n") != NULL, "%s", text);
	ck_assert_ptr_null(strstr(text, "MODEL__ODD_INPUT_0_SHAPE"));
	ck_assert_ptr_nonnull(strstr(text, "#define MODEL__ODD_INPUT_1_SHAPE {0,3}\n"));
	ck_assert_ptr_nonnull(strstr(text, "#define MODEL__ODD_OUTPUT_0_DTYPE 9 /* bool */\n"));
	free(text);
	p->bufs[0]->dtype = TCC_DT_STRING;
	ck_assert_int_eq(tcc_write_header(p, tmp_path("o.h")), -1);
	ck_assert_ptr_nonnull(strstr(first_error(ctx), "input 'int' has dtype string"));
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- Whole models from text --------------------------------------------------------- */

static const char conv_model[] =
	"<ir_version: 8, opset_import: [\"\" : 17]>\n"
	"net (float[1,1,4,4] x) => (float[1,2] y) <\n"
	"  float[2,1,3,3] w = {1, 0, -1, 2, 0, -2, 1, 0, -1, 0.5, 0.5, 0.5, 0, 0, 0, -0.5, -0.5, -0.5},\n"
	"  float[2] b = {0.5, -0.25},\n"
	"  int64[2] s = {1, 8},\n"
	"  float[8,2] m = {1, 0, 0, 1, 1, 1, -1, 0, 0, -1, 0.5, 0.5, 2, 0, 0, 2}\n"
	"> {\n"
	"  c = Conv <kernel_shape = [3, 3]> (x, w, b)\n"
	"  r = Relu (c)\n"
	"  f = Reshape (r, s)\n"
	"  y = MatMul (f, m)\n"
	"}\n";
static const float cw[18] = { 1, 0, -1, 2, 0, -2, 1, 0, -1, 0.5f, 0.5f, 0.5f, 0, 0, 0,
			      -0.5f, -0.5f, -0.5f };
static const float cb[2] = { 0.5f, -0.25f };
static const float cm[16] = { 1, 0, 0, 1, 1, 1, -1, 0, 0, -1, 0.5f, 0.5f, 2, 0, 0, 2 };

/* The model above computed directly. */
static void conv_reference(const float *x, float *y)
{
	float f[8];

	for (int o = 0; o < 2; o++)
		for (int h = 0; h < 2; h++)
			for (int w = 0; w < 2; w++) {
				float acc = cb[o];

				for (int r = 0; r < 3; r++)
					for (int s = 0; s < 3; s++)
						acc += x[(h + r) * 4 + w + s] * cw[o * 9 + r * 3 + s];
				f[o * 4 + h * 2 + w] = acc > 0 ? acc : 0;
			}
	for (int j = 0; j < 2; j++) {
		y[j] = 0;
		for (int k = 0; k < 8; k++)
			y[j] += f[k] * cm[k * 2 + j];
	}
}

static tcc_stat compile_text(struct tcc_ctx *ctx, const char *text, const char *so,
			     const struct tcc_compile_options *o)
{
	struct tcc_model *m = tcc_text_parse(ctx, "model.onnxtxt", text, strlen(text));

	ck_assert_msg(m != NULL, "%s", first_error(ctx));
	return tcc_compile_model(m, o, so);
}

static void run_conv(const char *so)
{
	static const int64_t xs[] = { 1, 1, 4, 4 }, ys[] = { 1, 2 };
	float x[16], y[2], want[2];
	tcc_tensor in = { x, xs, 4, TCC_RT_DTYPE_FLOAT }, out = { y, ys, 2, TCC_RT_DTYPE_FLOAT };
	tcc_model *m = load(so);

	for (int i = 0; i < 16; i++)
		x[i] = (float)i * 0.25f - 1.5f + (float)(i % 3);
	conv_reference(x, want);
	ck_assert_msg(tcc_model_run(m, &in, 1, &out, 1) == 0, "%s", tcc_model_last_error(m));
	for (int j = 0; j < 2; j++)
		ck_assert_msg(fabsf(y[j] - want[j]) <= 1e-4f * (1 + fabsf(want[j])),
			      "y[%d] = %g, want %g", j, y[j], want[j]);
	tcc_model_free(m);
}

START_TEST(test_model_conv_relu_matmul)
{
	struct tcc_compile_stats stats = { 0 };
	struct tcc_compile_options o = { .fuse = _i, .target = { .opt_level = 2 },
					 .stats = &stats };
	struct tcc_ctx *ctx = tcc_ctx_new();

	make_tmpdir();
	o.h_path = tmp_path("net.h");
	ck_assert_msg(compile_text(ctx, conv_model, tmp_path("net.so"), &o) == 0, "%s",
		      first_error(ctx));
	ck_assert_int_ge(stats.nkernels, 2);
	ck_assert_int_ge(stats.arena_bytes, 0);
	ck_assert_int_eq(access(tmp_path("net.h"), R_OK), 0);
	run_conv(tmp_path("net.so"));
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_model_defaults)
{
	struct tcc_ctx *ctx = tcc_ctx_new();

	make_tmpdir();
	ck_assert_msg(compile_text(ctx, conv_model, tmp_path("net.so"), NULL) == 0, "%s",
		      first_error(ctx));
	run_conv(tmp_path("net.so"));
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

START_TEST(test_model_unsupported)
{
	static const char text[] =
		"<ir_version: 8, opset_import: [\"\" : 17]>\n"
		"g (float[2,2] x) => (float y) {\n"
		"  y = Det (x)\n"
		"}\n";
	struct tcc_ctx *ctx = tcc_ctx_new();

	make_tmpdir();
	ck_assert_int_eq(compile_text(ctx, text, tmp_path("u.so"), NULL), -1);
	ck_assert_msg(strstr(first_error(ctx), "Det") != NULL, "%s", first_error(ctx));
	ck_assert_int_ne(access(tmp_path("u.so"), F_OK), 0);
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- Shared kernel functions, parallel LLVM ------------------------------------------- */

static const char twin_model[] =
	"<ir_version: 8, opset_import: [\"\" : 17]>\n"
	"twin (float[2,3] x) => (float[2,3] y) {\n"
	"  a = Relu (x)\n"
	"  n = Neg (a)\n"
	"  b = Relu (n)\n"
	"  y = Add (a, b)\n"
	"}\n";

/* y = relu(x) + relu(-relu(x)) = relu(x). */
static void run_twin(const char *so)
{
	static const int64_t dims[] = { 2, 3 };
	float y[6];
	tcc_tensor in = { (void *)xvals, dims, 2, TCC_RT_DTYPE_FLOAT };
	tcc_tensor out = { y, dims, 2, TCC_RT_DTYPE_FLOAT };
	tcc_model *m = load(so);

	ck_assert_msg(tcc_model_run(m, &in, 1, &out, 1) == 0, "%s", tcc_model_last_error(m));
	for (int i = 0; i < 6; i++)
		ck_assert_float_eq(y[i], xvals[i] > 0 ? xvals[i] : 0);
	tcc_model_free(m);
}

/* Unfused, the two Relu kernels are identical up to buffer names: one function. One
 * thread (_i == 0), emitted IR (1): one object; two or three threads: one per function plus
 * the program's. Every way gives the same results. */
START_TEST(test_shared_kernels_jobs)
{
	static const int jobs[] = { 1, 2, 2, 3 };
	struct tcc_compile_stats stats = { 0 };
	struct tcc_compile_options o = { .fuse = 0, .target = { .opt_level = 2 },
					 .stats = &stats, .jobs = jobs[_i] };
	struct tcc_ctx *ctx = tcc_ctx_new();

	make_tmpdir();
	o.emit_ll = _i == 1 ? tmp_path("t.ll") : NULL;
	o.keep_dir = _i == 3 ? tmpdir : NULL;
	o.pipeline = "shape-infer,lower";
	ck_assert_msg(compile_text(ctx, twin_model, tmp_path("t.so"), &o) == 0, "%s",
		      first_error(ctx));
	ck_assert_int_eq(stats.nkernels, 4);
	ck_assert_int_eq(stats.nfunctions, 3);
	ck_assert_int_eq(stats.nobjects, jobs[_i] == 1 || o.emit_ll ? 1 : 4);
	if (o.emit_ll)
		ck_assert_int_eq(access(o.emit_ll, R_OK), 0);
	if (o.keep_dir)
		ck_assert_int_eq(access(tmp_path("t.o"), R_OK), 0);
	run_twin(tmp_path("t.so"));
	/* the default pipeline (with the schedule pass) and the conv model, in parallel */
	o = (struct tcc_compile_options){ .fuse = 1, .target = { .opt_level = 3 },
					  .jobs = jobs[_i] };
	ck_assert_msg(compile_text(ctx, conv_model, tmp_path("net.so"), &o) == 0, "%s",
		      first_error(ctx));
	run_conv(tmp_path("net.so"));
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

/* ---- External weights ------------------------------------------------------------------ */

START_TEST(test_weights_external)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	struct tcc_program *p = build_prog(ctx, "wm", 1.0f);
	const struct tcc_rt_model_desc *d;
	char err[512];
	tcc_model *m, *m2;
	void *h;
	char *text;

	make_tmpdir();
	ck_assert_msg(compile_prog_w(p, tmp_path("w.so"), tmp_path("w.h"), 0,
				     tmp_path("w.weights")) == 0, "%s", first_error(ctx));
	m = load(tmp_path("w.so"));
	d = tcc_model_desc_of(m);
	ck_assert_str_eq(d->weights_file, "w.weights");
	ck_assert_uint_eq(d->weights_size, 64 + 64); /* header + 24 bytes padded to 64 */
	run_and_check(m, 1.0f);
	/* An explicit path, a wrong one, and one the descriptor finds itself (dladdr). */
	m2 = tcc_model_from_desc_weights(d, tmp_path("w.weights"), err, sizeof(err));
	ck_assert_msg(m2 != NULL, "%s", err);
	run_and_check(m2, 1.0f);
	tcc_model_free(m2);
	ck_assert_int_eq(tcc_model_from_desc_weights_ex(d, tmp_path("nope"), &m2, err, sizeof(err)),
			 TCC_RT_ERR_WEIGHTS_OPEN);
	ck_assert_ptr_null(m2);
	ck_assert_msg(strstr(err, "cannot open weights file") != NULL, "%s", err);
	m2 = tcc_model_from_desc(d, err, sizeof(err));
	ck_assert_msg(m2 != NULL, "%s", err);
	tcc_model_free(m2);
	tcc_model_free(m);
	h = dlopen(tmp_path("w.so"), RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(h != NULL, "%s", dlerror());
	call_entry(h, "wm_run", 1.0f);
	dlclose(h);
	text = slurp(tmp_path("w.h"));
	ck_assert_ptr_nonnull(strstr(text, "#define WM_WEIGHTS_FILE \"w.weights\"\n"));
	ck_assert_ptr_nonnull(strstr(text, "must stay in the same directory"));
	free(text);
	/* Above the threshold only: the 24-byte constant stays embedded. */
	ck_assert_int_eq(compile_prog_w(build_prog(ctx, "wm", 1.0f), tmp_path("e.so"), NULL, 24,
					tmp_path("e.weights")), 0);
	ck_assert_int_ne(access(tmp_path("e.weights"), F_OK), 0);
	m = load(tmp_path("e.so"));
	ck_assert_ptr_null(tcc_model_desc_of(m)->weights_file);
	run_and_check(m, 1.0f);
	tcc_model_free(m);
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

enum wbad { W_MISSING, W_TRUNC, W_LONGER, W_MAGIC, W_DATA, W_OTHER };

static const struct {
	enum wbad what;
	int status;
	const char *msg;
} wbad_cases[] = {
	{ W_MISSING, TCC_RT_ERR_WEIGHTS_OPEN, "w.weights': No such file or directory" },
	{ W_TRUNC, TCC_RT_ERR_WEIGHTS, "has 100 bytes, the model expects 128 (truncated" },
	{ W_LONGER, TCC_RT_ERR_WEIGHTS, "has 129 bytes, the model expects 128" },
	{ W_MAGIC, TCC_RT_ERR_WEIGHTS, "is not a tcc weights file (bad magic)" },
	{ W_DATA, TCC_RT_ERR_WEIGHTS, "is corrupt (checksum" },
	{ W_OTHER, TCC_RT_ERR_WEIGHTS, "belongs to another model (hash" },
};

/* Flip the byte at "off" of "path". */
static void flip_byte(const char *path, long off)
{
	FILE *f = fopen(path, "r+b");
	int c;

	ck_assert_ptr_nonnull(f);
	fseek(f, off, SEEK_SET);
	c = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(c ^ 0x40, f);
	fclose(f);
}

START_TEST(test_weights_bad_file)
{
	struct tcc_ctx *ctx = tcc_ctx_new();
	char err[512] = "", cmd[1200], wts[512];
	tcc_model *m = (tcc_model *)&m;

	make_tmpdir();
	snprintf(wts, sizeof(wts), "%s", tmp_path("w.weights"));
	ck_assert_msg(compile_prog_w(build_prog(ctx, "wm", 1.0f), tmp_path("w.so"), NULL, 0, wts)
		      == 0, "%s", first_error(ctx));
	switch (wbad_cases[_i].what) {
	case W_MISSING: unlink(wts); break;
	case W_TRUNC: ck_assert_int_eq(truncate(wts, 100), 0); break;
	case W_LONGER: ck_assert_int_eq(truncate(wts, 129), 0); break;
	case W_MAGIC: flip_byte(wts, 0); break;
	case W_DATA: flip_byte(wts, 64 + 5); break;
	case W_OTHER:
		ck_assert_int_eq(compile_prog_w(build_prog(ctx, "wm", -2.0f), tmp_path("o.so"),
						NULL, 0, tmp_path("o.weights")), 0);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", tmp_path("o.weights"), wts);
		ck_assert_int_eq(system(cmd), 0);
		break;
	}
	ck_assert_int_eq(tcc_model_load_ex(tmp_path("w.so"), &m, err, sizeof(err)),
			 wbad_cases[_i].status);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err, wbad_cases[_i].msg) != NULL, "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	remove_tmpdir();
	tcc_ctx_free(ctx);
}
END_TEST

static Suite *compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("program");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_idents);
	tcase_add_test(tc, test_program_so);
	tcase_add_test(tc, test_named_entry_and_header);
	tcase_add_test(tc, test_two_models);
	tcase_add_test(tc, test_link_error);
	tcase_add_test(tc, test_bad_binding);
	tcase_add_test(tc, test_header_params);
	tcase_add_test(tc, test_weights_external);
	tcase_add_loop_test(tc, test_weights_bad_file, 0,
			    (int)(sizeof(wbad_cases) / sizeof(wbad_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("model");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_model_conv_relu_matmul, 0, 2);
	tcase_add_test(tc, test_model_defaults);
	tcase_add_test(tc, test_model_unsupported);
	tcase_add_loop_test(tc, test_shared_kernels_jobs, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
