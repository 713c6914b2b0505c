/* Printing the graph IR in ONNX's textual syntax (grammar: docs/ir-graph.md). The output is
 * deterministic and tcc_text_parse() reads it back to a model that prints identically. */
#include "ir/graph/print.h"

#include <string.h>
#include <strings.h>

/* "elide_above" from the options; "err" is set when something cannot be printed. */
struct pctx {
	struct tcc_printer *p;
	struct tcc_ctx *ctx;
	int64_t elide_above;
	int err;
};

/* ---- names ---- */

static int is_ident(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* Identifiers the parser reads as something else where a name may stand. */
static int is_reserved(const char *s)
{
	static const char *const words[] = { "seq", "map", "optional", "sparse_tensor" };

	if (tcc_dtype_from_name(s, strlen(s)) != TCC_DT_UNDEFINED)
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return !strcasecmp(s, "nan") || !strcasecmp(s, "inf") || !strcasecmp(s, "infinity");
}

static int is_plain_name(const char *s)
{
	return is_ident(s) && !is_reserved(s);
}

static void print_quoted(struct tcc_printer *p, const char *s)
{
	tcc_printer_quoted(p, s ? s : "", s ? strlen(s) : 0);
}

/* A value, graph, node or attribute name: bare when it is a plain identifier, else quoted. */
static void print_name(struct tcc_printer *p, const char *s)
{
	if (is_plain_name(s))
		tcc_printer_str(p, s);
	else
		print_quoted(p, s);
}

/* A domain: dotted identifiers bare, anything else as one quoted string. */
static void print_domain(struct tcc_printer *p, const char *d)
{
	const char *s = d;

	for (;;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		char part[256];
		if (!n || n >= sizeof(part))
			break;
		memcpy(part, s, n);
		part[n] = 0;
		if (!is_ident(part))
			break;
		if (!dot) {
			tcc_printer_str(p, d);
			return;
		}
		s = dot + 1;
	}
	print_quoted(p, d);
}

/* ---- types ---- */

static int type_printable(const struct tcc_type *t)
{
	switch (t ? t->kind : TCC_TYPE_UNKNOWN) {
	case TCC_TYPE_TENSOR: case TCC_TYPE_SPARSE_TENSOR: case TCC_TYPE_MAP:
		return tcc_dtype_is_valid(t->elem);
	case TCC_TYPE_SEQUENCE: case TCC_TYPE_OPTIONAL:
		return 1;
	default:
		return 0;
	}
}

static void print_shape(struct tcc_printer *p, int32_t rank, const struct tcc_dim *dims)
{
	if (rank < 0) {
		tcc_printer_str(p, "[]");
		return;
	}
	for (int32_t i = 0; i < rank; i++) {
		tcc_printer_char(p, i ? ',' : '[');
		if (dims[i].value >= 0)
			tcc_printer_int(p, dims[i].value);
		else if (!dims[i].param)
			tcc_printer_char(p, '?');
		else if (is_ident(dims[i].param))
			tcc_printer_str(p, dims[i].param);
		else
			print_quoted(p, dims[i].param);
	}
	if (rank > 0)
		tcc_printer_char(p, ']');
}

static void print_type(struct tcc_printer *p, const struct tcc_type *t)
{
	if (!type_printable(t)) {
		tcc_printer_char(p, '?');
		return;
	}
	switch (t->kind) {
	case TCC_TYPE_TENSOR:
		tcc_printer_str(p, tcc_dtype_name(t->elem));
		print_shape(p, t->rank, t->dims);
		break;
	case TCC_TYPE_SPARSE_TENSOR:
		tcc_printer_fmt(p, "sparse_tensor(%s", tcc_dtype_name(t->elem));
		print_shape(p, t->rank, t->dims);
		tcc_printer_char(p, ')');
		break;
	case TCC_TYPE_MAP:
		tcc_printer_fmt(p, "map(%s, ", tcc_dtype_name(t->elem));
		print_type(p, t->inner);
		tcc_printer_char(p, ')');
		break;
	default:
		tcc_printer_str(p, t->kind == TCC_TYPE_SEQUENCE ? "seq(" : "optional(");
		print_type(p, t->inner);
		tcc_printer_char(p, ')');
		break;
	}
}

tcc_stat tcc_print_type(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_type *t)
{
	print_type(p, t);
	return tcc_printer_failed(p) ? -1 : 0;
}

/* ---- tensors ---- */

static void print_elem(struct tcc_printer *p, const struct tcc_tensor_data *t, int64_t i)
{
	const uint8_t *b = t->data;

	switch (t->dtype) {
	case TCC_DT_FLOAT: case TCC_DT_COMPLEX64:
		tcc_printer_float(p, ((const float *)t->data)[i]);
		break;
	case TCC_DT_DOUBLE: case TCC_DT_COMPLEX128:
		tcc_printer_double(p, ((const double *)t->data)[i]);
		break;
	case TCC_DT_FLOAT16:
		tcc_printer_float(p, tcc_f16_to_f32(((const uint16_t *)t->data)[i]));
		break;
	case TCC_DT_BFLOAT16:
		tcc_printer_float(p, tcc_bf16_to_f32(((const uint16_t *)t->data)[i]));
		break;
	case TCC_DT_STRING:
		tcc_printer_quoted(p, t->strings[i].data, t->strings[i].len);
		break;
	case TCC_DT_FLOAT8E4M3FN: case TCC_DT_FLOAT8E4M3FNUZ: case TCC_DT_FLOAT8E5M2:
	case TCC_DT_FLOAT8E5M2FNUZ: case TCC_DT_FLOAT8E8M0:
		tcc_printer_int(p, b[i]);
		break;
	case TCC_DT_FLOAT4E2M1:
		tcc_printer_int(p, (b[i / 2] >> (4 * (i % 2))) & 15);
		break;
	case TCC_DT_BOOL:
		tcc_printer_char(p, b[i] ? '1' : '0');
		break;
	case TCC_DT_UINT64:
		tcc_printer_fmt(p, "%llu", (unsigned long long)((const uint64_t *)t->data)[i]);
		break;
	default:
		tcc_printer_int(p, tcc_tensor_get_i64(t, i));
		break;
	}
}

/* float32 data, reusing the text of the previous element when the bits repeat (weights made
 * by ConstantOfShape are one value millions of times; formatting each is what costs). */
static void print_float_data(struct tcc_printer *p, const float *data, int64_t n)
{
	char text[40];
	size_t len = 0;
	uint32_t last = 0;

	for (int64_t i = 0; i < n; i++) {
		uint32_t bits;

		memcpy(&bits, &data[i], sizeof(bits));
		if (i == 0 || bits != last) {
			tcc_format_float(text, sizeof(text), data[i]);
			len = strlen(text);
			last = bits;
		}
		if (i)
			tcc_printer_mem(p, ", ", 2);
		tcc_printer_mem(p, text, len);
	}
}

static void print_tensor_data(struct pctx *c, const struct tcc_tensor_data *t)
{
	int64_t n = t->numel;

	if (c->elide_above > 0 && n > c->elide_above) {
		tcc_printer_str(c->p, "{...}");
		return;
	}
	if (t->dtype == TCC_DT_COMPLEX64 || t->dtype == TCC_DT_COMPLEX128)
		n *= 2;
	if (n > 0 && (t->dtype == TCC_DT_STRING ? !t->strings : !t->data)) {
		tcc_diag_error(c->ctx->diag, (struct tcc_loc){ 0 }, "tensor '%s' has no data",
			       t->name ? t->name : "");
		c->err = 1;
		return;
	}
	tcc_printer_char(c->p, '{');
	if (t->dtype == TCC_DT_FLOAT)
		print_float_data(c->p, t->data, n);
	for (int64_t i = 0; t->dtype != TCC_DT_FLOAT && i < n; i++) {
		if (i)
			tcc_printer_str(c->p, ", ");
		print_elem(c->p, t, i);
	}
	tcc_printer_char(c->p, '}');
}

static void print_tensor_type(struct tcc_printer *p, const struct tcc_tensor_data *t)
{
	tcc_printer_str(p, tcc_dtype_name(t->dtype) ? tcc_dtype_name(t->dtype) : "undefined");
	for (int32_t i = 0; i < t->rank; i++) {
		tcc_printer_char(p, i ? ',' : '[');
		tcc_printer_int(p, t->dims[i]);
	}
	if (t->rank > 0)
		tcc_printer_char(p, ']');
}

/* A tensor literal: type [name] data. */
static void print_tensor(struct pctx *c, const struct tcc_tensor_data *t)
{
	print_tensor_type(c->p, t);
	if (t->name && t->name[0]) {
		tcc_printer_char(c->p, ' ');
		print_name(c->p, t->name);
	}
	tcc_printer_char(c->p, ' ');
	print_tensor_data(c, t);
}

/* sparse_tensor(dtype[dims]) [name] {values, indices}; "name" may be NULL. */
static void print_sparse(struct pctx *c, const struct tcc_sparse_tensor *sp, const char *name)
{
	if (!sp || !sp->values || !sp->indices) {
		tcc_diag_error(c->ctx->diag, (struct tcc_loc){ 0 }, "sparse tensor without data");
		c->err = 1;
		return;
	}
	tcc_printer_fmt(c->p, "sparse_tensor(%s", tcc_dtype_name(sp->values->dtype));
	for (int32_t i = 0; i < sp->rank; i++) {
		tcc_printer_char(c->p, i ? ',' : '[');
		tcc_printer_int(c->p, sp->dims[i]);
	}
	tcc_printer_str(c->p, sp->rank > 0 ? "]) " : ") ");
	if (name) {
		print_name(c->p, name);
		tcc_printer_str(c->p, " = ");
	}
	tcc_printer_char(c->p, '{');
	print_tensor(c, sp->values);
	tcc_printer_str(c->p, ", ");
	print_tensor(c, sp->indices);
	tcc_printer_char(c->p, '}');
}

/* ---- attributes ---- */

static void print_graph(struct pctx *c, const struct tcc_graph *g);

/* A float that the parser reads back as a float: "1.0", not "1". */
static void print_float_literal(struct tcc_printer *p, float v)
{
	struct tcc_printer *s = tcc_printer_to_str();
	const char *txt;

	if (!s) {
		tcc_printer_float(p, v);
		return;
	}
	tcc_printer_float(s, v);
	txt = tcc_printer_get_str(s);
	tcc_printer_str(p, txt);
	if (!strpbrk(txt, ".eEni"))
		tcc_printer_str(p, ".0");
	tcc_printer_free(s);
}

/* Must the attribute be written "name: kind = value"? */
static int attr_needs_kind(const struct tcc_attr *a)
{
	if (a->ref_attr_name)
		return 1;
	switch (a->kind) {
	case TCC_ATTR_FLOATS: case TCC_ATTR_INTS: case TCC_ATTR_STRINGS:
		return a->n == 0;
	case TCC_ATTR_GRAPH:
		return !a->u.g || !is_plain_name(a->u.g->name);
	case TCC_ATTR_TENSORS: case TCC_ATTR_GRAPHS: case TCC_ATTR_SPARSE_TENSORS:
	case TCC_ATTR_TYPE_PROTO: case TCC_ATTR_TYPE_PROTOS:
		return 1;
	default:
		return 0;
	}
}

static void print_list_item(struct pctx *c, const struct tcc_attr *a, int64_t i)
{
	switch (a->kind) {
	case TCC_ATTR_FLOATS: print_float_literal(c->p, a->u.floats[i]); break;
	case TCC_ATTR_INTS: tcc_printer_int(c->p, a->u.ints[i]); break;
	case TCC_ATTR_STRINGS:
		tcc_printer_quoted(c->p, a->u.strings[i].data, a->u.strings[i].len);
		break;
	case TCC_ATTR_TENSORS: print_tensor(c, a->u.tensors[i]); break;
	case TCC_ATTR_GRAPHS: print_graph(c, a->u.graphs[i]); break;
	case TCC_ATTR_SPARSE_TENSORS: print_sparse(c, a->u.sparse_tensors[i], NULL); break;
	case TCC_ATTR_TYPE_PROTOS: print_type(c->p, a->u.types[i]); break;
	default: break;
	}
}

static void print_attr_value(struct pctx *c, const struct tcc_attr *a)
{
	switch (a->kind) {
	case TCC_ATTR_FLOAT: print_float_literal(c->p, a->u.f); return;
	case TCC_ATTR_INT: tcc_printer_int(c->p, a->u.i); return;
	case TCC_ATTR_STRING: tcc_printer_quoted(c->p, a->u.s.data, a->u.s.len); return;
	case TCC_ATTR_TENSOR: print_tensor(c, a->u.t); return;
	case TCC_ATTR_GRAPH: print_graph(c, a->u.g); return;
	case TCC_ATTR_SPARSE_TENSOR: print_sparse(c, a->u.sp, NULL); return;
	case TCC_ATTR_TYPE_PROTO: print_type(c->p, a->u.tp); return;
	default: break;
	}
	tcc_printer_char(c->p, '[');
	for (int64_t i = 0; i < a->n; i++) {
		if (i)
			tcc_printer_str(c->p, ", ");
		print_list_item(c, a, i);
	}
	tcc_printer_char(c->p, ']');
}

static void print_attr(struct pctx *c, const struct tcc_attr *a)
{
	print_name(c->p, a->name);
	if (attr_needs_kind(a))
		tcc_printer_fmt(c->p, ": %s", tcc_attr_kind_name(a->kind));
	tcc_printer_str(c->p, " = ");
	if (a->ref_attr_name) {
		tcc_printer_char(c->p, '@');
		print_name(c->p, a->ref_attr_name);
		return;
	}
	print_attr_value(c, a);
}

static int attr_printable(const struct tcc_attr *a)
{
	return a->kind > TCC_ATTR_UNDEFINED && a->kind <= TCC_ATTR_TYPE_PROTOS;
}

static void print_attrs(struct pctx *c, const struct tcc_attr *attrs, int n)
{
	int first = 1;

	tcc_printer_str(c->p, " <");
	for (int i = 0; i < n; i++) {
		if (!attr_printable(&attrs[i]))
			continue;
		if (!first)
			tcc_printer_str(c->p, ", ");
		print_attr(c, &attrs[i]);
		first = 0;
	}
	tcc_printer_char(c->p, '>');
}

/* ---- nodes ---- */

/* Names of node inputs/outputs: omitted ones empty, or "" when last (a trailing comma would
 * be dropped by the parser). */
static void print_ids(struct tcc_printer *p, struct tcc_value *const *vs, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			tcc_printer_str(p, ", ");
		if (vs[i])
			print_name(p, vs[i]->name);
		else if (i == n - 1)
			tcc_printer_str(p, "\"\"");
	}
}

static int has_graph_attr(const struct tcc_node *n)
{
	for (int i = 0; i < n->nattrs; i++)
		if (!n->attrs[i].ref_attr_name &&
		    (n->attrs[i].kind == TCC_ATTR_GRAPH || n->attrs[i].kind == TCC_ATTR_GRAPHS))
			return 1;
	return 0;
}

static void print_node(struct pctx *c, const struct tcc_node *n)
{
	struct tcc_printer *p = c->p;
	int late = has_graph_attr(n), nattrs = 0;

	for (int i = 0; i < n->nattrs; i++)
		nattrs += attr_printable(&n->attrs[i]);
	tcc_printer_indent(p);
	if (n->name && n->name[0]) {
		tcc_printer_char(p, '[');
		print_name(p, n->name);
		tcc_printer_str(p, "] ");
	}
	print_ids(p, n->outputs, n->noutputs);
	tcc_printer_str(p, n->noutputs ? " = " : "= ");
	if (n->domain && n->domain[0]) {
		print_domain(p, n->domain);
		tcc_printer_char(p, '.');
	}
	if (is_ident(n->op_type))
		tcc_printer_str(p, n->op_type);
	else
		print_quoted(p, n->op_type);
	if (n->overload && n->overload[0]) {
		tcc_printer_char(p, ':');
		print_name(p, n->overload);
	}
	if (nattrs && !late)
		print_attrs(c, n->attrs, n->nattrs);
	tcc_printer_str(p, " (");
	print_ids(p, n->inputs, n->ninputs);
	tcc_printer_char(p, ')');
	if (nattrs && late)
		print_attrs(c, n->attrs, n->nattrs);
	tcc_printer_char(p, '\n');
}

/* ---- graphs ---- */

static int tensor_matches_type(const struct tcc_tensor_data *t, const struct tcc_type *ty)
{
	if (ty->kind != TCC_TYPE_TENSOR || ty->elem != t->dtype || ty->rank != t->rank)
		return 0;
	for (int32_t i = 0; i < t->rank; i++)
		if (ty->dims[i].param || ty->dims[i].value != t->dims[i])
			return 0;
	return 1;
}

/* [type] name [= [tensor-type] data] */
static void print_value_decl(struct pctx *c, const struct tcc_value *v, int with_init)
{
	int typed = type_printable(&v->type);

	if (typed) {
		print_type(c->p, &v->type);
		tcc_printer_char(c->p, ' ');
	}
	print_name(c->p, v->name);
	if (!with_init || !v->init)
		return;
	tcc_printer_str(c->p, " = ");
	if (!typed || !tensor_matches_type(v->init, &v->type)) {
		print_tensor_type(c->p, v->init);
		tcc_printer_char(c->p, ' ');
	}
	print_tensor_data(c, v->init);
}

static void print_signature(struct pctx *c, const struct tcc_graph *g)
{
	tcc_printer_str(c->p, " (");
	for (int i = 0; i < g->ninputs; i++) {
		if (i)
			tcc_printer_str(c->p, ", ");
		print_value_decl(c, g->inputs[i], 1);
	}
	tcc_printer_str(c->p, ") => (");
	for (int i = 0; i < g->noutputs; i++) {
		if (i)
			tcc_printer_str(c->p, ", ");
		print_value_decl(c, g->outputs[i], 0);
	}
	tcc_printer_char(c->p, ')');
}

/* One line of the '<...>' list. */
static void entry_start(struct pctx *c, int *count)
{
	tcc_printer_str(c->p, *count ? ",\n" : " <\n");
	tcc_printer_indent(c->p);
	(*count)++;
}

static void print_infos(struct pctx *c, struct tcc_value *const *vs, int n, int *count)
{
	for (int i = 0; i < n; i++) {
		if (!vs[i] || !vs[i]->has_info)
			continue;
		entry_start(c, count);
		print_value_decl(c, vs[i], 0);
	}
}

/* Initializers that are not inputs, sparse initializers, then value infos (inputs,
 * initializers, node outputs in node order). */
static void print_entries(struct pctx *c, const struct tcc_graph *g)
{
	int count = 0;

	tcc_printer_push(c->p);
	for (int i = 0; i < g->ninitializers; i++) {
		if (g->initializers[i]->is_input)
			continue;
		entry_start(c, &count);
		print_value_decl(c, g->initializers[i], 1);
	}
	for (int i = 0; i < g->nsparse; i++) {
		entry_start(c, &count);
		print_sparse(c, g->sparse_initializers[i], g->sparse_names[i]);
	}
	print_infos(c, g->inputs, g->ninputs, &count);
	for (int i = 0; i < g->ninitializers; i++)
		if (!g->initializers[i]->is_input)
			print_infos(c, &g->initializers[i], 1, &count);
	for (int i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead)
			print_infos(c, g->nodes[i]->outputs, g->nodes[i]->noutputs, &count);
	tcc_printer_pop(c->p);
	if (count) {
		tcc_printer_char(c->p, '\n');
		tcc_printer_indent(c->p);
		tcc_printer_char(c->p, '>');
	}
}

/* Signature, entries and body; the name is printed by the caller. */
static void print_graph_rest(struct pctx *c, const struct tcc_graph *g)
{
	print_signature(c, g);
	print_entries(c, g);
	tcc_printer_str(c->p, " {\n");
	tcc_printer_push(c->p);
	for (int i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead)
			print_node(c, g->nodes[i]);
	tcc_printer_pop(c->p);
	tcc_printer_indent(c->p);
	tcc_printer_char(c->p, '}');
}

static void print_graph(struct pctx *c, const struct tcc_graph *g)
{
	if (!g) {
		tcc_diag_error(c->ctx->diag, (struct tcc_loc){ 0 }, "graph attribute without graph");
		c->err = 1;
		return;
	}
	print_name(c->p, g->name);
	print_graph_rest(c, g);
}

/* ---- model ---- */

static void print_opsets(struct tcc_printer *p, const struct tcc_opset *o, int n)
{
	tcc_printer_char(p, '[');
	for (int i = 0; i < n; i++) {
		if (i)
			tcc_printer_str(p, ", ");
		print_quoted(p, o[i].domain);
		tcc_printer_str(p, " : ");
		tcc_printer_int(p, o[i].version);
	}
	tcc_printer_char(p, ']');
}

static void print_field(struct tcc_printer *p, const char *key, const char *s)
{
	if (!s || !s[0])
		return;
	tcc_printer_fmt(p, ", %s: ", key);
	print_quoted(p, s);
}

static void print_header(struct tcc_printer *p, const struct tcc_model *m)
{
	tcc_printer_fmt(p, "<ir_version: %lld, opset_import: ", (long long)m->ir_version);
	print_opsets(p, m->opsets, m->nopsets);
	print_field(p, "producer_name", m->producer_name);
	print_field(p, "producer_version", m->producer_version);
	print_field(p, "domain", m->domain);
	if (m->model_version)
		tcc_printer_fmt(p, ", model_version: %lld", (long long)m->model_version);
	print_field(p, "doc_string", m->doc_string);
	if (m->nmetadata) {
		tcc_printer_str(p, ", metadata_props: [");
		for (int i = 0; i < m->nmetadata; i++) {
			if (i)
				tcc_printer_str(p, ", ");
			print_quoted(p, m->metadata[i].key);
			tcc_printer_str(p, " : ");
			print_quoted(p, m->metadata[i].value);
		}
		tcc_printer_char(p, ']');
	}
	tcc_printer_str(p, ">\n");
}

static void print_function(struct pctx *c, const struct tcc_function *f)
{
	struct tcc_printer *p = c->p;
	const char *sep = "<";

	if (f->domain && f->domain[0]) {
		tcc_printer_str(p, "<domain: ");
		print_quoted(p, f->domain);
		sep = ", ";
	}
	if (f->nopsets) {
		tcc_printer_fmt(p, "%sopset_import: ", sep);
		print_opsets(p, f->opsets, f->nopsets);
		sep = ", ";
	}
	if (f->overload && f->overload[0]) {
		tcc_printer_fmt(p, "%soverload: ", sep);
		print_quoted(p, f->overload);
		sep = ", ";
	}
	if (f->doc_string && f->doc_string[0]) {
		tcc_printer_fmt(p, "%sdoc_string: ", sep);
		print_quoted(p, f->doc_string);
		sep = ", ";
	}
	if (sep[0] == ',')
		tcc_printer_str(p, ">\n");
	print_name(p, f->name);
	if (f->nattrs || f->ndefaults) {
		tcc_printer_str(p, " <");
		for (int i = 0; i < f->nattrs; i++) {
			if (i)
				tcc_printer_str(p, ", ");
			print_name(p, f->attrs[i]);
		}
		for (int i = 0; i < f->ndefaults; i++) {
			if (i || f->nattrs)
				tcc_printer_str(p, ", ");
			print_attr(c, &f->attr_defaults[i]);
		}
		tcc_printer_char(p, '>');
	}
	print_graph_rest(c, f->body);
	tcc_printer_char(p, '\n');
}

tcc_stat tcc_print_model(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_model *m,
			 __tcc_null const struct tcc_print_options *opts)
{
	struct pctx c = { .p = p, .ctx = m->ctx, .elide_above = opts ? opts->elide_above : 0 };

	print_header(p, m);
	print_graph(&c, m->graph);
	tcc_printer_char(p, '\n');
	for (int i = 0; i < m->nfunctions; i++) {
		tcc_printer_char(p, '\n');
		print_function(&c, m->functions[i]);
	}
	return c.err || tcc_printer_failed(p) ? -1 : 0;
}
