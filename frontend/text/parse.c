/* Text syntax: models, graphs, nodes and functions. Grammar: docs/ir-graph.md.
 *
 * Names are resolved after the whole model is parsed, so a node may use a value that a later
 * node defines (the verifier then reports the cycle or the order). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "frontend/text/parse_private.h"
#include "frontend/text/text.h"

/* ---- helpers ---- */

struct tcc_loc tcc_text_loc(const struct tcc_text_parser *p)
{
	struct tcc_loc loc = { .file = p->file, .line = p->lx.tok.line, .col = p->lx.tok.col };

	return loc;
}

static tcc_stat verror_at(struct tcc_text_parser *p, struct tcc_loc loc, const char *fmt,
			  va_list ap)
{
	char msg[768];

	if (p->failed)
		return -1;
	p->failed = 1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	tcc_diag_error(p->ctx->diag, loc, "%s", msg);
	return -1;
}

tcc_stat tcc_text_error_at(struct tcc_text_parser *p, struct tcc_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(p, loc, fmt, ap);
	va_end(ap);
	return -1;
}

tcc_stat tcc_text_error(struct tcc_text_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(p, tcc_text_loc(p), fmt, ap);
	va_end(ap);
	return -1;
}

tcc_stat tcc_text_oom(struct tcc_text_parser *p)
{
	return tcc_text_error(p, "out of memory");
}

static void lexer_error(struct tcc_text_parser *p)
{
	unsigned char c = p->lx.tok.start < p->text + p->len ? (unsigned char)*p->lx.tok.start : 0;

	if (strcmp(p->lx.tok.error, "unexpected character") == 0)
		tcc_text_error(p, c >= 0x20 && c < 0x7f ? "unexpected character '%c'"
				  : "unexpected byte 0x%02x", c);
	else
		tcc_text_error(p, "%s", p->lx.tok.error);
}

void tcc_text_next(struct tcc_text_parser *p)
{
	tcc_lexer_next(&p->lx);
	if (p->lx.tok.kind == TCC_TOK_ERROR)
		lexer_error(p);
}

int tcc_text_accept(struct tcc_text_parser *p, char c)
{
	if (!tcc_tok_is(&p->lx.tok, c))
		return 0;
	tcc_text_next(p);
	return 1;
}

/* The current token, for "found ..." in messages. */
static void describe(const struct tcc_token *t, char *buf, size_t size)
{
	switch (t->kind) {
	case TCC_TOK_EOF: snprintf(buf, size, "end of input"); break;
	case TCC_TOK_STRING: snprintf(buf, size, "a string"); break;
	case TCC_TOK_ELLIPSIS: snprintf(buf, size, "'...'"); break;
	default: snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->start);
	}
}

tcc_stat tcc_text_expect(struct tcc_text_parser *p, char c, const char *what)
{
	char found[64];

	if (tcc_text_accept(p, c))
		return 0;
	describe(&p->lx.tok, found, sizeof(found));
	return tcc_text_error(p, "expected '%c' %s, found %s", c, what, found);
}

void *tcc_text_push(struct tcc_text_parser *p, struct tcc_avec *v, const void *item, size_t size)
{
	if (v->n == v->cap) {
		int64_t cap = v->cap ? 2 * v->cap : 8;
		char *grown = tcc_arena_calloc(p->ctx->arena, (size_t)cap, size);
		if (!grown) {
			tcc_text_oom(p);
			return NULL;
		}
		if (v->n)
			memcpy(grown, v->data, (size_t)v->n * size);
		v->data = grown;
		v->cap = cap;
	}
	memcpy((char *)v->data + (size_t)v->n * size, item, size);
	return (char *)v->data + (size_t)v->n++ * size;
}

const char *tcc_text_string(struct tcc_text_parser *p, size_t *len, const char *what)
{
	char *s;

	if (p->lx.tok.kind != TCC_TOK_STRING) {
		char found[64];
		describe(&p->lx.tok, found, sizeof(found));
		tcc_text_error(p, "expected a string for %s, found %s", what, found);
		return NULL;
	}
	s = tcc_tok_string(p->ctx->arena, &p->lx.tok, len);
	if (!s)
		tcc_text_oom(p);
	else
		tcc_text_next(p);
	return s;
}

const char *tcc_text_name(struct tcc_text_parser *p, const char *what)
{
	const struct tcc_token *t = &p->lx.tok;
	const char *s;
	size_t len;

	if (t->kind == TCC_TOK_STRING) {
		struct tcc_loc loc = tcc_text_loc(p);
		s = tcc_text_string(p, &len, what);
		if (s && strlen(s) != len) {
			tcc_text_error_at(p, loc, "%s contains a NUL byte", what);
			return NULL;
		}
		return s;
	}
	if (t->kind != TCC_TOK_IDENT) {
		char found[64];
		describe(t, found, sizeof(found));
		tcc_text_error(p, "expected %s, found %s", what, found);
		return NULL;
	}
	s = tcc_arena_strndup(p->ctx->arena, t->start, t->len);
	if (!s)
		tcc_text_oom(p);
	else
		tcc_text_next(p);
	return s;
}

tcc_stat tcc_text_int64(struct tcc_text_parser *p, int64_t *v, const char *what)
{
	uint64_t mag;
	int neg;

	if (p->lx.tok.kind != TCC_TOK_INT)
		return tcc_text_error(p, "expected an integer for %s", what);
	if (tcc_tok_uint(&p->lx.tok, &neg, &mag) < 0 || mag > (uint64_t)INT64_MAX + neg)
		return tcc_text_error(p, "integer out of range for %s", what);
	*v = neg && mag ? -(int64_t)(mag - 1) - 1 : (int64_t)mag;
	tcc_text_next(p);
	return 0;
}

static tcc_stat push_ref(struct tcc_text_parser *p, struct tcc_text_ref *r)
{
	return tcc_text_push(p, &p->refs, r, sizeof(*r)) ? 0 : -1;
}

/* ---- graphs ---- */

/* '=' after an initializer's name: [type] data. "declared" is the value's type. */
static tcc_stat initializer(struct tcc_text_parser *p, struct tcc_graph *g, struct tcc_value *v,
			    const struct tcc_type *declared)
{
	struct tcc_type own;
	struct tcc_tensor_data *t;

	if (tcc_text_at_type(p)) {
		if (tcc_text_type(p, &own) < 0)
			return -1;
		declared = &own;
	} else if (declared->kind == TCC_TYPE_UNKNOWN) {
		return tcc_text_error(p, "initializer '%s' needs a type", v->name);
	}
	t = tcc_text_tensor_data(p, declared, v->name);
	if (!t)
		return -1;
	if (tcc_graph_add_initializer(g, v, t) < 0)
		return tcc_text_oom(p);
	return 0;
}

/* [type] name: *t stays unknown without a type. */
static const char *typed_name(struct tcc_text_parser *p, struct tcc_type *t, const char *what)
{
	memset(t, 0, sizeof(*t));
	t->rank = -1;
	if (tcc_text_at_type(p) && tcc_text_type(p, t) < 0)
		return NULL;
	return tcc_text_name(p, what);
}

static tcc_stat graph_input(struct tcc_text_parser *p, struct tcc_graph *g)
{
	struct tcc_type t;
	const char *name = typed_name(p, &t, "input name");
	struct tcc_value *v;

	if (!name)
		return -1;
	v = tcc_graph_new_value(g, name);
	if (!v || tcc_graph_add_input(g, v) < 0)
		return tcc_text_oom(p);
	v->type = t;
	if (tcc_text_accept(p, '='))
		return initializer(p, g, v, &t);
	return 0;
}

static tcc_stat graph_output(struct tcc_text_parser *p, struct tcc_graph *g)
{
	struct tcc_text_ref r = { .graph = g, .index = -1, .loc = tcc_text_loc(p) };
	struct tcc_type t;

	r.name = typed_name(p, &t, "output name");
	if (!r.name)
		return -1;
	if (t.kind != TCC_TYPE_UNKNOWN) {
		r.type = tcc_arena_memdup(p->ctx->arena, &t, sizeof(t));
		if (!r.type)
			return tcc_text_oom(p);
	}
	return push_ref(p, &r);
}

/* An entry of the '<...>' list: initializer (with '='), sparse initializer or value_info. */
static tcc_stat graph_entry(struct tcc_text_parser *p, struct tcc_graph *g)
{
	struct tcc_text_ref r = { .graph = g, .index = -2, .loc = tcc_text_loc(p) };
	struct tcc_type t;
	struct tcc_value *v;

	r.name = typed_name(p, &t, "value name");
	if (!r.name)
		return -1;
	if (tcc_text_accept(p, '=')) {
		if (t.kind == TCC_TYPE_SPARSE_TENSOR) {
			struct tcc_sparse_tensor *sp = tcc_text_sparse_data(p, &t);
			if (!sp)
				return -1;
			return tcc_graph_add_sparse_initializer(g, r.name, sp) < 0 ? tcc_text_oom(p) : 0;
		}
		v = tcc_graph_new_value(g, r.name);
		if (!v)
			return tcc_text_oom(p);
		v->type = t;
		return initializer(p, g, v, &t);
	}
	r.type = tcc_arena_memdup(p->ctx->arena, &t, sizeof(t));
	return r.type ? push_ref(p, &r) : tcc_text_oom(p);
}

/* open item (',' item)* close, where the list may be empty. */
static tcc_stat entry_list(struct tcc_text_parser *p, struct tcc_graph *g, char open, char close,
			   tcc_stat (*item)(struct tcc_text_parser *, struct tcc_graph *),
			   const char *what)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "before %s", what);
	if (tcc_text_expect(p, open, msg) < 0)
		return -1;
	if (tcc_text_accept(p, close))
		return 0;
	do {
		if (item(p, g) < 0)
			return -1;
	} while (tcc_text_accept(p, ','));
	snprintf(msg, sizeof(msg), "after %s", what);
	return tcc_text_expect(p, close, msg);
}

static tcc_stat node(struct tcc_text_parser *p, struct tcc_graph *g);

/* Signature, '<...>' entries and body of a graph or function body. */
static tcc_stat graph_rest(struct tcc_text_parser *p, struct tcc_graph *g)
{
	if (entry_list(p, g, '(', ')', graph_input, "graph inputs") < 0 ||
	    tcc_text_expect(p, '=', "('=>') after graph inputs") < 0 ||
	    tcc_text_expect(p, '>', "('=>') after graph inputs") < 0 ||
	    entry_list(p, g, '(', ')', graph_output, "graph outputs") < 0)
		return -1;
	if (tcc_tok_is(&p->lx.tok, '<') &&
	    entry_list(p, g, '<', '>', graph_entry, "initializers and value infos") < 0)
		return -1;
	if (tcc_text_expect(p, '{', "before graph nodes") < 0)
		return -1;
	while (!tcc_text_accept(p, '}')) {
		if (p->lx.tok.kind == TCC_TOK_EOF)
			return tcc_text_error(p, "expected '}' at the end of graph '%s'", g->name);
		if (node(p, g) < 0)
			return -1;
	}
	return 0;
}

__tcc_keep struct tcc_graph *tcc_text_graph(struct tcc_text_parser *p,
					    __tcc_null struct tcc_graph *parent)
{
	struct tcc_graph *g;
	tcc_stat r;

	if (p->graph_depth >= TCC_TEXT_MAX_DEPTH) {
		tcc_text_error(p, "graphs nested too deeply");
		return NULL;
	}
	g = tcc_graph_new(p->ctx, parent);
	if (!g) {
		tcc_text_oom(p);
		return NULL;
	}
	g->loc = tcc_text_loc(p);
	g->name = tcc_text_name(p, "graph name");
	if (!g->name)
		return NULL;
	p->graph_depth++;
	r = graph_rest(p, g);
	p->graph_depth--;
	return r < 0 ? NULL : g;
}

/* ---- nodes ---- */

struct idref {
	const char *name; /* NULL: omitted */
	struct tcc_loc loc;
};

/* A comma-separated list of names where an entry may be empty ("" or nothing before ','); a
 * trailing comma adds nothing (ONNX's rule). */
static tcc_stat id_list(struct tcc_text_parser *p, struct tcc_avec *ids)
{
	const struct tcc_token *t = &p->lx.tok;
	struct idref id;

	for (;;) {
		id.loc = tcc_text_loc(p);
		id.name = NULL;
		if (t->kind == TCC_TOK_IDENT || t->kind == TCC_TOK_STRING) {
			id.name = tcc_text_name(p, "value name");
			if (!id.name)
				return -1;
			if (!id.name[0])
				id.name = NULL;
		} else if (!tcc_tok_is(t, ',')) {
			return 0; /* empty list, or a trailing comma */
		}
		if (!tcc_text_push(p, ids, &id, sizeof(id)))
			return -1;
		if (!tcc_text_accept(p, ','))
			return 0;
	}
}

/* part ('.' part)*: the last part is the op type, the others joined by '.' the domain. */
static tcc_stat op_ref(struct tcc_text_parser *p, const char **domain, const char **op)
{
	const char *part = tcc_text_name(p, "operator name");
	const char *d = "";

	while (part && tcc_text_accept(p, '.')) {
		d = d[0] ? tcc_arena_printf(p->ctx->arena, "%s.%s", d, part)
			 : tcc_arena_strdup(p->ctx->arena, part);
		if (!d)
			return tcc_text_oom(p);
		part = tcc_text_name(p, "operator name");
	}
	*domain = d;
	*op = part;
	return part ? 0 : -1;
}

/* Output values of a node (created now) and the node itself. */
static struct tcc_node *make_node(struct tcc_text_parser *p, struct tcc_graph *g,
				  const char *op, const char *domain, const char *name,
				  struct tcc_avec *outs, int64_t nin, struct tcc_loc loc)
{
	struct tcc_value **ov = tcc_arena_calloc(p->ctx->arena, (size_t)outs->n + 1, sizeof(*ov));
	struct tcc_value **iv = tcc_arena_calloc(p->ctx->arena, (size_t)nin + 1, sizeof(*iv));
	struct idref *ids = outs->data;
	struct tcc_node *n;

	if (!ov || !iv)
		goto oom;
	if (outs->n > INT32_MAX || nin > INT32_MAX) {
		tcc_text_error_at(p, loc, "too many node inputs or outputs");
		return NULL;
	}
	for (int64_t i = 0; i < outs->n; i++) {
		if (ids[i].name && !(ov[i] = tcc_graph_new_value(g, ids[i].name)))
			goto oom;
	}
	n = tcc_graph_add_node(g, op, domain, name, (int)nin, iv, (int)outs->n, ov, loc);
	if (n)
		return n;
oom:
	tcc_text_oom(p);
	return NULL;
}

static tcc_stat node_inputs(struct tcc_text_parser *p, struct tcc_node *n, struct tcc_avec *ins)
{
	struct idref *ids = ins->data;

	for (int64_t i = 0; i < ins->n; i++) {
		struct tcc_text_ref r = { .node = n, .graph = n->graph, .index = (int)i };
		if (!ids[i].name)
			continue;
		r.name = ids[i].name;
		r.loc = ids[i].loc;
		r.loc.node = n->name;
		if (push_ref(p, &r) < 0)
			return -1;
	}
	return 0;
}

/* ['[' name ']'] outputs '=' op [':' overload] [attrs] '(' inputs ')' [attrs] */
static tcc_stat node(struct tcc_text_parser *p, struct tcc_graph *g)
{
	struct tcc_loc loc = tcc_text_loc(p);
	struct tcc_avec outs = { 0 }, ins = { 0 };
	const char *name = "", *domain = NULL, *op = NULL, *overload = NULL;
	struct tcc_attr *attrs = NULL;
	int nattrs = 0;
	struct tcc_node *n;

	if (tcc_text_accept(p, '[') && !tcc_text_accept(p, ']')) {
		name = tcc_text_name(p, "node name");
		if (!name || tcc_text_expect(p, ']', "after node name") < 0)
			return -1;
	}
	loc.node = name;
	if (id_list(p, &outs) < 0 || tcc_text_expect(p, '=', "after node outputs") < 0 ||
	    op_ref(p, &domain, &op) < 0)
		return -1;
	if (tcc_text_accept(p, ':') && !(overload = tcc_text_name(p, "overload name")))
		return -1;
	if (tcc_tok_is(&p->lx.tok, '<') && tcc_text_attrs(p, g, &attrs, &nattrs) < 0)
		return -1;
	if (tcc_text_expect(p, '(', "before node inputs") < 0 || id_list(p, &ins) < 0 ||
	    tcc_text_expect(p, ')', "after node inputs") < 0)
		return -1;
	if (!nattrs && tcc_tok_is(&p->lx.tok, '<') && tcc_text_attrs(p, g, &attrs, &nattrs) < 0)
		return -1;
	n = make_node(p, g, op, domain, name, &outs, ins.n, loc);
	if (!n)
		return -1;
	n->attrs = attrs;
	n->nattrs = nattrs;
	n->overload = overload;
	return node_inputs(p, n, &ins);
}

/* ---- model header and functions ---- */

static tcc_stat opset_list(struct tcc_text_parser *p, struct tcc_avec *v)
{
	struct tcc_opset o;

	if (tcc_text_expect(p, '[', "before opset imports") < 0)
		return -1;
	if (tcc_text_accept(p, ']'))
		return 0;
	do {
		size_t len;
		o.domain = tcc_text_string(p, &len, "opset domain");
		if (!o.domain || tcc_text_expect(p, ':', "after opset domain") < 0 ||
		    tcc_text_int64(p, &o.version, "opset version") < 0 ||
		    !tcc_text_push(p, v, &o, sizeof(o)))
			return -1;
	} while (tcc_text_accept(p, ','));
	return tcc_text_expect(p, ']', "after opset imports");
}

static tcc_stat metadata_list(struct tcc_text_parser *p, struct tcc_model *m)
{
	struct tcc_avec v = { 0 };
	struct tcc_string_pair kv;
	size_t len;

	if (tcc_text_expect(p, '[', "before metadata_props") < 0)
		return -1;
	if (!tcc_text_accept(p, ']')) {
		do {
			if (!(kv.key = tcc_text_string(p, &len, "metadata key")) ||
			    tcc_text_expect(p, ':', "after metadata key") < 0 ||
			    !(kv.value = tcc_text_string(p, &len, "metadata value")) ||
			    !tcc_text_push(p, &v, &kv, sizeof(kv)))
				return -1;
		} while (tcc_text_accept(p, ','));
		if (tcc_text_expect(p, ']', "after metadata_props") < 0)
			return -1;
	}
	m->metadata = v.data;
	m->nmetadata = (int)v.n;
	return 0;
}

static tcc_stat header_field(struct tcc_text_parser *p, struct tcc_model *m, struct tcc_avec *ops)
{
	const struct tcc_token *t = &p->lx.tok;
	struct tcc_token key = *t;
	size_t len;

	if (key.kind != TCC_TOK_IDENT)
		return tcc_text_error(p, "expected a model field name (ir_version, opset_import, ...)");
	tcc_text_next(p);
	if (tcc_text_expect(p, ':', "after model field name") < 0)
		return -1;
	if (tcc_tok_is_word(&key, "ir_version"))
		return tcc_text_int64(p, &m->ir_version, "ir_version");
	if (tcc_tok_is_word(&key, "model_version"))
		return tcc_text_int64(p, &m->model_version, "model_version");
	if (tcc_tok_is_word(&key, "opset_import"))
		return opset_list(p, ops);
	if (tcc_tok_is_word(&key, "metadata_props"))
		return metadata_list(p, m);
	if (tcc_tok_is_word(&key, "producer_name"))
		return (m->producer_name = tcc_text_string(p, &len, "producer_name")) ? 0 : -1;
	if (tcc_tok_is_word(&key, "producer_version"))
		return (m->producer_version = tcc_text_string(p, &len, "producer_version")) ? 0 : -1;
	if (tcc_tok_is_word(&key, "domain"))
		return (m->domain = tcc_text_string(p, &len, "domain")) ? 0 : -1;
	if (tcc_tok_is_word(&key, "doc_string"))
		return (m->doc_string = tcc_text_string(p, &len, "doc_string")) ? 0 : -1;
	return tcc_text_error_at(p, (struct tcc_loc){ p->file, NULL, key.line, key.col },
				 "unknown model field '%.*s'", (int)key.len, key.start);
}

static tcc_stat model_header(struct tcc_text_parser *p, struct tcc_model *m)
{
	struct tcc_avec ops = { 0 };

	tcc_text_next(p); /* '<' */
	do {
		if (header_field(p, m, &ops) < 0)
			return -1;
	} while (tcc_text_accept(p, ','));
	if (tcc_text_expect(p, '>', "after model header") < 0)
		return -1;
	m->opsets = ops.data;
	m->nopsets = (int)ops.n;
	return 0;
}

static tcc_stat function_field(struct tcc_text_parser *p, struct tcc_function *f,
			       struct tcc_avec *ops)
{
	struct tcc_token key = p->lx.tok;
	size_t len;

	tcc_text_next(p);
	if (tcc_text_expect(p, ':', "after function field name") < 0)
		return -1;
	if (tcc_tok_is_word(&key, "opset_import"))
		return opset_list(p, ops);
	if (tcc_tok_is_word(&key, "domain"))
		return (f->domain = tcc_text_string(p, &len, "domain")) ? 0 : -1;
	if (tcc_tok_is_word(&key, "overload"))
		return (f->overload = tcc_text_string(p, &len, "overload")) ? 0 : -1;
	if (tcc_tok_is_word(&key, "doc_string"))
		return (f->doc_string = tcc_text_string(p, &len, "doc_string")) ? 0 : -1;
	return tcc_text_error_at(p, (struct tcc_loc){ p->file, NULL, key.line, key.col },
				 "unknown function field '%.*s'", (int)key.len, key.start);
}

/* '<' (name | attr-with-default) (',' ...)* '>' */
static tcc_stat function_attrs(struct tcc_text_parser *p, struct tcc_function *f)
{
	struct tcc_avec names = { 0 }, defaults = { 0 };
	struct tcc_attr a;
	const char *name;

	tcc_text_next(p); /* '<' */
	do {
		name = tcc_text_name(p, "attribute name");
		if (!name)
			return -1;
		if (tcc_tok_is(&p->lx.tok, ':') || tcc_tok_is(&p->lx.tok, '=')) {
			if (tcc_text_attr(p, f->body, &a, name) < 0 ||
			    !tcc_text_push(p, &defaults, &a, sizeof(a)))
				return -1;
		} else if (!tcc_text_push(p, &names, &name, sizeof(name))) {
			return -1;
		}
	} while (tcc_text_accept(p, ','));
	f->attrs = names.data;
	f->nattrs = (int)names.n;
	f->attr_defaults = defaults.data;
	f->ndefaults = (int)defaults.n;
	return tcc_text_expect(p, '>', "after function attributes");
}

static tcc_stat function(struct tcc_text_parser *p, struct tcc_model *m, struct tcc_avec *fns)
{
	struct tcc_function *f = tcc_arena_alloc(p->ctx->arena, sizeof(*f));
	struct tcc_avec ops = { 0 };

	if (!f)
		return tcc_text_oom(p);
	f->loc = tcc_text_loc(p);
	f->domain = "";
	if (tcc_text_accept(p, '<')) {
		do {
			if (function_field(p, f, &ops) < 0)
				return -1;
		} while (tcc_text_accept(p, ','));
		if (tcc_text_expect(p, '>', "after function header") < 0)
			return -1;
	}
	f->opsets = ops.data;
	f->nopsets = (int)ops.n;
	f->body = tcc_graph_new(p->ctx, NULL);
	if (!f->body)
		return tcc_text_oom(p);
	f->body->loc = tcc_text_loc(p);
	f->loc = f->body->loc;
	f->name = f->body->name = tcc_text_name(p, "function name");
	if (!f->name)
		return -1;
	if (tcc_tok_is(&p->lx.tok, '<') && function_attrs(p, f) < 0)
		return -1;
	if (graph_rest(p, f->body) < 0)
		return -1;
	(void)m;
	return tcc_text_push(p, fns, &f, sizeof(f)) ? 0 : -1;
}

/* ---- name resolution ---- */

static tcc_stat resolve(struct tcc_text_parser *p, struct tcc_text_ref *r)
{
	struct tcc_value *v;

	if (r->node) {
		v = tcc_graph_lookup(r->node->graph, r->name);
		if (!v)
			return tcc_text_error_at(p, r->loc, "undefined value '%s' (input %d of %s)",
						 r->name, r->index, r->node->op_type);
		r->node->inputs[r->index] = v;
		return 0;
	}
	v = r->index == -1 ? tcc_graph_lookup(r->graph, r->name)
			   : tcc_graph_lookup_local(r->graph, r->name);
	if (!v)
		return tcc_text_error_at(p, r->loc, r->index == -1 ? "graph output '%s' is not defined"
				       : "value info '%s' names no value of this graph", r->name);
	if (r->type)
		v->type = *r->type;
	if (r->index == -2)
		v->has_info = 1;
	else if (tcc_graph_add_output(r->graph, v) < 0)
		return tcc_text_oom(p);
	return 0;
}

static __tcc_keep struct tcc_model *parse_model(struct tcc_text_parser *p, struct tcc_model *m)
{
	struct tcc_avec fns = { 0 };

	if (tcc_tok_is(&p->lx.tok, '<') && model_header(p, m) < 0)
		return NULL;
	m->graph = tcc_text_graph(p, NULL);
	if (!m->graph)
		return NULL;
	while (!p->failed && p->lx.tok.kind != TCC_TOK_EOF)
		if (function(p, m, &fns) < 0)
			return NULL;
	m->functions = fns.data;
	m->nfunctions = (int)fns.n;
	for (int64_t i = 0; !p->failed && i < p->refs.n; i++)
		resolve(p, (struct tcc_text_ref *)p->refs.data + i);
	return p->failed ? NULL : m;
}

__tcc_keep struct tcc_model *tcc_text_parse(__tcc_keep struct tcc_ctx *ctx, const char *file,
					    const char *text, size_t len)
{
	struct tcc_text_parser p = { .ctx = ctx, .text = text, .len = len };
	struct tcc_model *m = tcc_model_new(ctx, file);

	if (!m) {
		tcc_diag_error(ctx->diag, (struct tcc_loc){ .file = file }, "out of memory");
		return NULL;
	}
	p.file = m->path;
	p.model = m;
	if (!text)
		p.text = text = "";
	tcc_lexer_init(&p.lx, text, len);
	if (p.lx.tok.kind == TCC_TOK_ERROR) {
		lexer_error(&p);
		return NULL;
	}
	return parse_model(&p, m);
}
