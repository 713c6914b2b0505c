/* The generated C header of a compiled model: shape macros and the named, typed entry point
 * "<model>_run" that llvm_program.c defines in the shared object. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/codegen.h"
#include "codegen/names.h"
#include "codegen/weights.h"
#include "support/printer.h"

void tcc_c_ident(char *buf, size_t size, const char *s, const char *dflt)
{
	size_t n = 0;

	if (!size)
		return;
	if (!s || !s[0])
		s = "";
	if (!isalpha((unsigned char)s[0])) {
		n = (size_t)snprintf(buf, size, "%s%s", dflt, s[0] ? "_" : "");
		n = n < size ? n : size - 1;
	}
	for (; *s && n + 1 < size; s++)
		buf[n++] = isalnum((unsigned char)*s) || *s == '_' ? *s : '_';
	buf[n] = '\0';
}

void tcc_model_ident(char *buf, size_t size, const struct tcc_program *prog)
{
	char id[TCC_IDENT_MAX];

	tcc_c_ident(id, sizeof(id), prog->name, "model");
	if (!strncmp(id, "tcc_", 4))
		snprintf(buf, size, "model_%.*s", size > 7 ? (int)(size - 7) : 0, id);
	else
		snprintf(buf, size, "%s", id);
}

void tcc_entry_name(char *buf, size_t size, const struct tcc_program *prog)
{
	char id[TCC_IDENT_MAX];

	tcc_model_ident(id, sizeof(id), prog);
	snprintf(buf, size, "%s_run", id);
}

__tcc_keep __tcc_null const struct tcc_pbuf *tcc_program_io_buf(
	__tcc_keep const struct tcc_program *prog, enum tcc_pbuf_role role, int index)
{
	for (int i = 0; i < prog->nbufs; i++)
		if (prog->bufs[i]->role == role && prog->bufs[i]->io_index == index)
			return prog->bufs[i];
	return NULL;
}

/* Bits of one element of the packed sub-byte dtypes (ONNX packs them low bits first), else 0. */
static int subbyte_bits(int dtype)
{
	switch (dtype) {
	case TCC_DT_INT4: case TCC_DT_UINT4: case TCC_DT_FLOAT4E2M1: return 4;
	case TCC_DT_INT2: case TCC_DT_UINT2: return 2;
	}
	return 0;
}

/* The C element type of "dtype" (bool as uint8_t, 16-bit floats as uint16_t bits, 8-bit
 * floats as uint8_t codes, packed sub-byte types as their uint8_t bytes). */
static const char *c_type(int dtype)
{
	switch (dtype) {
	case TCC_DT_FLOAT: return "float";
	case TCC_DT_DOUBLE: return "double";
	case TCC_DT_INT8: return "int8_t";
	case TCC_DT_UINT8: case TCC_DT_BOOL: return "uint8_t";
	case TCC_DT_FLOAT8E4M3FN: case TCC_DT_FLOAT8E4M3FNUZ: case TCC_DT_FLOAT8E5M2:
	case TCC_DT_FLOAT8E5M2FNUZ: case TCC_DT_FLOAT8E8M0: return "uint8_t";
	case TCC_DT_INT4: case TCC_DT_UINT4: case TCC_DT_FLOAT4E2M1:
	case TCC_DT_INT2: case TCC_DT_UINT2: return "uint8_t";
	case TCC_DT_INT16: return "int16_t";
	case TCC_DT_UINT16: case TCC_DT_FLOAT16: case TCC_DT_BFLOAT16: return "uint16_t";
	case TCC_DT_INT32: return "int32_t";
	case TCC_DT_UINT32: return "uint32_t";
	case TCC_DT_INT64: return "int64_t";
	case TCC_DT_UINT64: return "uint64_t";
	}
	return NULL;
}

static int is_reserved(const char *id)
{
	static const char *const words[] = {
		"auto", "break", "case", "char", "const", "continue", "default", "do",
		"double", "else", "enum", "extern", "float", "for", "goto", "if", "inline",
		"int", "long", "register", "restrict", "return", "short", "signed", "sizeof",
		"static", "struct", "switch", "typedef", "union", "unsigned", "void",
		"volatile", "while", "bool", "true", "false", "class", "new", "delete",
		"this", "template", "operator", "private", "public", "protected", "NULL",
	};
	size_t n = strlen(id);

	if (n >= 2 && !strcmp(id + n - 2, "_t"))
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(id, words[i]))
			return 1;
	return 0;
}

/* Parameter names: each tensor's identifier, made unique and kept off keywords and
 * typedef names ("names" has ninputs + noutputs entries of TCC_IDENT_MAX bytes). */
static void param_names(const struct tcc_program *prog, char (*names)[TCC_IDENT_MAX])
{
	int n = prog->ninputs + prog->noutputs;

	for (int i = 0; i < n; i++) {
		int out = i >= prog->ninputs;
		const struct tcc_pbuf *b = tcc_program_io_buf(
			prog, out ? TCC_PBUF_OUTPUT : TCC_PBUF_INPUT,
			out ? i - prog->ninputs : i);
		size_t len;

		tcc_c_ident(names[i], TCC_IDENT_MAX - 16, b ? b->name : NULL,
			    out ? "output" : "input");
		len = strlen(names[i]);
		if (is_reserved(names[i]))
			snprintf(names[i] + len, 16, "_");
		for (int j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				snprintf(names[i] + len, 16, "_%d", i);
	}
}

static void print_dims(struct tcc_printer *p, const struct tcc_pbuf *b, const char *open,
		       const char *sep, const char *close)
{
	tcc_printer_str(p, open);
	for (int32_t d = 0; d < b->rank; d++) {
		if (d)
			tcc_printer_str(p, sep);
		tcc_printer_int(p, b->dims[d]);
	}
	tcc_printer_str(p, close);
}

/* The macros of one input or output "b": NAME, RANK, SHAPE (rank > 0), NUMEL, DTYPE. */
static void print_io_macros(struct tcc_printer *p, const char *up, const char *kind, int i,
			    const struct tcc_pbuf *b)
{
	int64_t numel = 1;

	for (int32_t d = 0; d < b->rank; d++)
		numel *= b->dims[d];
	tcc_printer_fmt(p, "#define %s_%s_%d_NAME ", up, kind, i);
	tcc_printer_quoted(p, b->name ? b->name : "", b->name ? strlen(b->name) : 0);
	tcc_printer_fmt(p, "\n#define %s_%s_%d_RANK %d\n", up, kind, i, (int)b->rank);
	if (b->rank > 0) {
		tcc_printer_fmt(p, "#define %s_%s_%d_SHAPE ", up, kind, i);
		print_dims(p, b, "{", ",", "}\n");
	}
	tcc_printer_fmt(p, "#define %s_%s_%d_NUMEL %lld\n", up, kind, i, (long long)numel);
	tcc_printer_fmt(p, "#define %s_%s_%d_DTYPE %d /* %s */\n", up, kind, i, b->dtype,
			tcc_dtype_name(b->dtype) ? tcc_dtype_name(b->dtype) : "?");
}

/* One parameter: `const float x[1][3]`, or a pointer for scalars and empty tensors; a
 * packed sub-byte tensor is its bytes, `const uint8_t x[NBYTES]`. */
static void print_param(struct tcc_printer *p, const struct tcc_pbuf *b, const char *name,
			int out)
{
	int has_zero = 0;

	for (int32_t d = 0; d < b->rank; d++)
		has_zero |= b->dims[d] == 0;
	tcc_printer_fmt(p, "%s%s ", out ? "" : "const ", c_type(b->dtype));
	if (subbyte_bits(b->dtype) && !has_zero && b->nbytes > 0)
		tcc_printer_fmt(p, "%s[%lld]", name, (long long)b->nbytes);
	else if (b->rank == 0 || has_zero)
		tcc_printer_fmt(p, "*%s", name);
	else {
		tcc_printer_str(p, name);
		print_dims(p, b, "[", "][", "]");
	}
}

/* The io buffers in call order, checked: each present with a C element type. */
static tcc_stat collect_io(const struct tcc_program *prog, const char *h_path,
			   const struct tcc_pbuf **io)
{
	struct tcc_loc loc = { .file = h_path };

	for (int i = 0; i < prog->ninputs + prog->noutputs; i++) {
		int out = i >= prog->ninputs;
		int idx = out ? i - prog->ninputs : i;

		io[i] = tcc_program_io_buf(prog, out ? TCC_PBUF_OUTPUT : TCC_PBUF_INPUT, idx);
		if (!io[i]) {
			tcc_diag_error(prog->ctx->diag, loc, "program has no %s %d",
				       out ? "output" : "input", idx);
			return -1;
		}
		if (!c_type(io[i]->dtype)) {
			tcc_diag_error(prog->ctx->diag, loc,
				       "%s '%s' has dtype %s, which has no C type",
				       out ? "output" : "input", io[i]->name,
				       tcc_dtype_name(io[i]->dtype) ? tcc_dtype_name(io[i]->dtype)
								    : "?");
			return -1;
		}
	}
	return 0;
}

/* The weights file macros and the rule that keeps it beside the .so. */
static void print_weights(struct tcc_printer *p, const char *up, const struct tcc_weights *w)
{
	if (!w || !w->count)
		return;
	tcc_printer_fmt(p, "/* %d constant%s (%lld bytes) %s not in the shared object but in the\n"
			   " * weights file %s_WEIGHTS_FILE, which must stay in the same directory as\n"
			   " * the .so (and be the file written with it: its size and checksum are\n"
			   " * checked when the model instance is created, on the first call). */\n",
			w->count, w->count == 1 ? "" : "s", (long long)w->bytes,
			w->count == 1 ? "is" : "are", up);
	tcc_printer_fmt(p, "#define %s_WEIGHTS_FILE \"%s\"\n#define %s_WEIGHTS_BYTES %llu\n\n",
			up, w->file_name, up, (unsigned long long)w->file_size);
}

static void print_header(struct tcc_printer *p, const struct tcc_program *prog,
			 const struct tcc_pbuf **io, char (*names)[TCC_IDENT_MAX],
			 const struct tcc_weights *w)
{
	char id[TCC_IDENT_MAX], up[TCC_IDENT_MAX], entry[TCC_IDENT_MAX + 8];
	int n = prog->ninputs + prog->noutputs;

	tcc_model_ident(id, sizeof(id), prog);
	tcc_entry_name(entry, sizeof(entry), prog);
	for (size_t i = 0; i <= strlen(id); i++)
		up[i] = (char)toupper((unsigned char)id[i]);
	tcc_printer_fmt(p, "/* Generated by tcc-compile for model '%s'. Do not edit. */\n", id);
	tcc_printer_fmt(p, "#ifndef TCC_MODEL_%s_H\n#define TCC_MODEL_%s_H\n\n", up, up);
	tcc_printer_str(p, "#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
	tcc_printer_fmt(p, "#define %s_NUM_INPUTS %d\n#define %s_NUM_OUTPUTS %d\n", up,
			prog->ninputs, up, prog->noutputs);
	tcc_printer_fmt(p, "#define %s_ARENA_BYTES %lld\n\n", up, (long long)prog->arena_size);
	print_weights(p, up, w);
	for (int i = 0; i < n; i++) {
		int out = i >= prog->ninputs;

		print_io_macros(p, up, out ? "OUTPUT" : "INPUT", out ? i - prog->ninputs : i,
				io[i]);
	}
	tcc_printer_str(p, "\n/* Runs the model: reads the inputs, writes the outputs (row-major).\n"
			   " * Returns 0, or a tcc_rt_status (see tcc_rt.h). The first call creates\n"
			   " * one model instance shared by every call; concurrent calls get\n"
			   " * TCC_RT_ERR_BUSY (load the .so with tcc_model_load for independent\n"
			   " * instances). */\n");
	tcc_printer_fmt(p, "int %s(", entry);
	for (int i = 0; i < n; i++) {
		if (i)
			tcc_printer_str(p, ", ");
		print_param(p, io[i], names[i], i >= prog->ninputs);
	}
	tcc_printer_fmt(p, "%s);\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n", n ? "" : "void");
}

tcc_stat tcc_write_header(__tcc_keep const struct tcc_program *prog, const char *h_path)
{
	return tcc_write_header_weights(prog, h_path, NULL);
}

tcc_stat tcc_write_header_weights(__tcc_keep const struct tcc_program *prog, const char *h_path,
				  __tcc_null const struct tcc_weights *w)
{
	size_t n = (size_t)(prog->ninputs + prog->noutputs) + 1;
	const struct tcc_pbuf **io = calloc(n, sizeof(*io));
	char (*names)[TCC_IDENT_MAX] = calloc(n, sizeof(*names));
	struct tcc_loc loc = { .file = h_path };
	struct tcc_printer *p = NULL;
	FILE *f = NULL;
	int bad = 1;

	if (!io || !names) {
		tcc_ctx_oom(prog->ctx, loc);
		goto out;
	}
	if (collect_io(prog, h_path, io) < 0)
		goto out;
	param_names(prog, names);
	f = fopen(h_path, "w");
	if (!f) {
		tcc_diag_error(prog->ctx->diag, loc, "cannot write header: %s", strerror(errno));
		goto out;
	}
	p = tcc_printer_to_file(f);
	if (p)
		print_header(p, prog, io, names, w);
	bad = !p || tcc_printer_failed(p);
	tcc_printer_free(p);
	bad |= fclose(f) != 0;
	if (bad)
		tcc_diag_error(prog->ctx->diag, loc, "cannot write header");
out:
	free(io);
	free(names);
	return bad ? -1 : 0;
}
