/* Pipeline strings. The grammar, blanks allowed between any two tokens:
 *
 *     pipeline := [ element { "," element } ]
 *     element  := pass-name [ "{" [ option { "," option } ] "}" ]
 *     option   := option-name "=" value
 *     value    := '"' chars '"'          (with \" and \\ escapes)
 *               | chars up to "," or "}" (trailing blanks dropped)
 *
 * Names are made of letters, digits, '-' and '_'. INT options take a decimal int64 (a sign is
 * allowed), BOOL options true/false/1/0, STRING options any text (quote it to hold ',', '}',
 * '"' or leading/trailing blanks). Each element gets its own options struct, filled with the
 * defaults of the pass's option table, then with the values given. Errors name the column:
 * "WHERE:1:COL: error: ...". */
#include "passes/pipeline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/graph/verify.h"
#include "ir/kernel/program.h"

/* One pass of a pipeline: the "pass", its "options" struct (options_size bytes, malloc'ed), and
 * the malloc'ed text of each STRING option ("strings", one slot per option of the table). */
struct pipeline_elem {
	const struct tcc_pass *pass;
	void *options;
	char **strings;
};

/* "n" elements in "elems"; "ctx" receives the errors of running it. */
struct tcc_pipeline {
	struct tcc_ctx *ctx;
	int n, cap;
	struct pipeline_elem *elems;
};

/* Parser state: "text" at position "pos"; pass names come from "table"; errors go to "ctx" at
 * file "where". */
struct parser {
	struct tcc_ctx *ctx;
	const struct tcc_pass *const *table;
	const char *where;
	const char *text;
	size_t pos;
};

static void perr(struct parser *ps, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *ps, size_t pos, const char *fmt, ...)
{
	struct tcc_loc loc = { .file = ps->where, .line = 1, .col = (uint32_t)pos + 1 };
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tcc_diag_error(ps->ctx->diag, loc, "%s", msg);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static void skip_blanks(struct parser *ps)
{
	while (is_blank(ps->text[ps->pos]))
		ps->pos++;
}

/* A name at the current position; its length (0 when there is none). */
static size_t scan_name(struct parser *ps)
{
	size_t n = 0;

	while (is_name_char(ps->text[ps->pos + n]))
		n++;
	return n;
}

/* ---- option values ---- */

static int64_t *int_slot(const struct pipeline_elem *e, const struct tcc_pass_option *o)
{
	return (int64_t *)((char *)e->options + o->offset);
}

static const char **str_slot(const struct pipeline_elem *e, const struct tcc_pass_option *o)
{
	return (const char **)((char *)e->options + o->offset);
}

/* Store "val" (NUL-terminated) into option i of e. Returns an error message or NULL. */
static const char *set_option(struct pipeline_elem *e, int i, const char *val)
{
	const struct tcc_pass_option *o = &e->pass->options[i];
	char *end, *copy;
	long long v;

	switch (o->kind) {
	case TCC_OPT_INT:
		errno = 0;
		v = strtoll(val, &end, 10);
		if (end == val || *end || is_blank(val[0]))
			return "expected an integer";
		if (errno == ERANGE)
			return "integer out of range";
		*int_slot(e, o) = v;
		return NULL;
	case TCC_OPT_BOOL:
		if (strcmp(val, "true") == 0 || strcmp(val, "1") == 0)
			*int_slot(e, o) = 1;
		else if (strcmp(val, "false") == 0 || strcmp(val, "0") == 0)
			*int_slot(e, o) = 0;
		else
			return "expected true or false";
		return NULL;
	case TCC_OPT_STRING:
		copy = strdup(val);
		if (!copy)
			return "out of memory";
		free(e->strings[i]);
		e->strings[i] = copy;
		*str_slot(e, o) = copy;
		return NULL;
	}
	return "unknown option kind";
}

/* Set up e for pass p with every option at its default (no default: 0, false or NULL). */
static tcc_stat elem_init(struct parser *ps, struct pipeline_elem *e, const struct tcc_pass *p)
{
	size_t size = p->options_size ? p->options_size : 1;

	e->pass = p;
	e->options = calloc(1, size);
	e->strings = calloc((size_t)p->noptions + 1, sizeof(*e->strings));
	if (!e->options || !e->strings) {
		perr(ps, ps->pos, "out of memory");
		return -1;
	}
	for (int i = 0; i < p->noptions; i++) {
		const struct tcc_pass_option *o = &p->options[i];
		const char *msg = o->dflt ? set_option(e, i, o->dflt) : NULL;
		if (msg) {
			perr(ps, ps->pos, "pass '%s': bad default '%s' for option '%s': %s",
			     p->name, o->dflt, o->name, msg);
			return -1;
		}
	}
	return 0;
}

static void elem_clear(struct pipeline_elem *e)
{
	for (int i = 0; e->strings && i < e->pass->noptions; i++)
		free(e->strings[i]);
	free(e->strings);
	free(e->options);
}

/* Scan a value into a malloc'ed string at *out; returns -1 on error (reported). */
static tcc_stat scan_value(struct parser *ps, char **out)
{
	const char *t = ps->text;
	size_t start = ps->pos, n = 0, k;
	char *buf;

	if (t[ps->pos] != '"') {
		while (t[ps->pos] && t[ps->pos] != ',' && t[ps->pos] != '}' && t[ps->pos] != '{' &&
		       t[ps->pos] != '"')
			ps->pos++;
		for (k = ps->pos; k > start && is_blank(t[k - 1]); k--)
			;
		*out = strndup(t + start, k - start);
		return *out ? 0 : -1;
	}
	buf = malloc(strlen(t + start) + 1);
	if (!buf)
		return -1;
	for (ps->pos++; t[ps->pos] && t[ps->pos] != '"'; ps->pos++) {
		if (t[ps->pos] == '\\' && (t[ps->pos + 1] == '"' || t[ps->pos + 1] == '\\'))
			ps->pos++;
		buf[n++] = t[ps->pos];
	}
	if (!t[ps->pos]) {
		free(buf);
		perr(ps, start, "unterminated string in pipeline");
		return -1;
	}
	ps->pos++;
	buf[n] = 0;
	*out = buf;
	return 0;
}

/* The list of option names of p, for error messages. */
static void option_names(const struct tcc_pass *p, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < p->noptions && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
				      p->options[i].name);
}

static int find_option(const struct tcc_pass *p, const char *name, size_t len)
{
	for (int i = 0; i < p->noptions; i++)
		if (strlen(p->options[i].name) == len && strncmp(p->options[i].name, name, len) == 0)
			return i;
	return -1;
}

/* option := name "=" value; "seen" marks the options already given. */
static tcc_stat parse_option(struct parser *ps, struct pipeline_elem *e, char *seen)
{
	const struct tcc_pass *p = e->pass;
	size_t at = ps->pos, len = scan_name(ps);
	char names[600], *val = NULL;
	const char *msg;
	int i;

	if (len == 0) {
		perr(ps, at, "expected an option name for pass '%s'", p->name);
		return -1;
	}
	i = find_option(p, ps->text + at, len);
	if (i < 0) {
		option_names(p, names, sizeof(names));
		if (p->noptions)
			perr(ps, at, "unknown option '%.*s' for pass '%s' (options: %s)", (int)len,
			     ps->text + at, p->name, names);
		else
			perr(ps, at, "unknown option '%.*s' for pass '%s' (it has no options)",
			     (int)len, ps->text + at, p->name);
		return -1;
	}
	if (seen[i]) {
		perr(ps, at, "option '%s' of pass '%s' is given twice", p->options[i].name, p->name);
		return -1;
	}
	seen[i] = 1;
	ps->pos += len;
	skip_blanks(ps);
	if (ps->text[ps->pos] != '=') {
		perr(ps, ps->pos, "expected '=' after option '%s' of pass '%s'", p->options[i].name,
		     p->name);
		return -1;
	}
	ps->pos++;
	skip_blanks(ps);
	at = ps->pos;
	if (scan_value(ps, &val) < 0)
		return -1;
	msg = set_option(e, i, val);
	if (msg)
		perr(ps, at, "bad value '%s' for option '%s' of pass '%s': %s", val,
		     p->options[i].name, p->name, msg);
	free(val);
	return msg ? -1 : 0;
}

/* "{" [ option { "," option } ] "}", the '{' being at the current position. */
static tcc_stat parse_options(struct parser *ps, struct pipeline_elem *e)
{
	size_t open = ps->pos;
	char *seen = calloc((size_t)e->pass->noptions + 1, 1);
	tcc_stat r = -1;

	if (!seen)
		return -1;
	ps->pos++;
	skip_blanks(ps);
	if (ps->text[ps->pos] == '}') {
		ps->pos++;
		free(seen);
		return 0;
	}
	for (;;) {
		if (parse_option(ps, e, seen) < 0)
			break;
		skip_blanks(ps);
		if (ps->text[ps->pos] == ',') {
			ps->pos++;
			skip_blanks(ps);
			continue;
		}
		if (ps->text[ps->pos] == '}') {
			ps->pos++;
			r = 0;
		} else if (!ps->text[ps->pos]) {
			perr(ps, open, "unbalanced braces: '{' without '}'");
		} else {
			perr(ps, ps->pos, "expected ',' or '}' in the options of pass '%s'",
			     e->pass->name);
		}
		break;
	}
	free(seen);
	return r;
}

static void known_passes(const struct tcc_pass *const *table, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; table[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", table[i]->name);
}

static tcc_stat push_elem(struct parser *ps, struct tcc_pipeline *pl, struct pipeline_elem **e)
{
	if (pl->n == pl->cap) {
		int cap = pl->cap ? 2 * pl->cap : 8;
		struct pipeline_elem *ne = realloc(pl->elems, (size_t)cap * sizeof(*ne));
		if (!ne) {
			perr(ps, ps->pos, "out of memory");
			return -1;
		}
		pl->elems = ne;
		pl->cap = cap;
	}
	*e = &pl->elems[pl->n];
	memset(*e, 0, sizeof(**e));
	return 0;
}

/* element := name [ "{" options "}" ] */
static tcc_stat parse_element(struct parser *ps, struct tcc_pipeline *pl)
{
	size_t at = ps->pos, len = scan_name(ps);
	const struct tcc_pass *p = NULL;
	struct pipeline_elem *e;
	char names[600];
	char c = ps->text[at];

	if (len == 0) {
		if (c == ',' || c == 0)
			perr(ps, at, "empty pipeline element");
		else if (c == '}')
			perr(ps, at, "unbalanced braces: '}' without '{'");
		else
			perr(ps, at, "unexpected '%c' in pipeline", c);
		return -1;
	}
	for (int i = 0; ps->table[i] && !p; i++)
		if (strlen(ps->table[i]->name) == len &&
		    strncmp(ps->table[i]->name, ps->text + at, len) == 0)
			p = ps->table[i];
	if (!p) {
		known_passes(ps->table, names, sizeof(names));
		perr(ps, at, "unknown pass '%.*s' (known passes: %s)", (int)len, ps->text + at,
		     names);
		return -1;
	}
	ps->pos += len;
	if (push_elem(ps, pl, &e) < 0)
		return -1;
	pl->n++;
	if (elem_init(ps, e, p) < 0)
		return -1;
	skip_blanks(ps);
	if (ps->text[ps->pos] == '{')
		return parse_options(ps, e);
	return 0;
}

__tcc_give struct tcc_pipeline *tcc_pipeline_parse(__tcc_keep struct tcc_ctx *ctx,
						   const char *where, const char *text)
{
	return tcc_pipeline_parse_table(ctx, where, text, tcc_passes);
}

__tcc_give struct tcc_pipeline *tcc_pipeline_parse_table(__tcc_keep struct tcc_ctx *ctx,
							 const char *where, const char *text,
							 const struct tcc_pass *const *table)
{
	struct parser ps = { .ctx = ctx, .table = table, .where = where ? where : "<pipeline>",
			     .text = text };
	struct tcc_pipeline *pl = calloc(1, sizeof(*pl));

	if (!pl) {
		perr(&ps, 0, "out of memory");
		return NULL;
	}
	pl->ctx = ctx;
	skip_blanks(&ps);
	if (!text[ps.pos])
		return pl; /* the empty pipeline */
	for (;;) {
		if (parse_element(&ps, pl) < 0)
			goto error;
		skip_blanks(&ps);
		if (!text[ps.pos])
			return pl;
		if (text[ps.pos] == '}') {
			perr(&ps, ps.pos, "unbalanced braces: '}' without '{'");
			goto error;
		}
		if (text[ps.pos] != ',') {
			perr(&ps, ps.pos, "expected ',' between pipeline elements, found '%c'",
			     text[ps.pos]);
			goto error;
		}
		ps.pos++;
		skip_blanks(&ps);
	}
error:
	tcc_pipeline_free(pl);
	return NULL;
}

void tcc_pipeline_free(__tcc_take struct tcc_pipeline *pl)
{
	if (!pl)
		return;
	for (int i = 0; i < pl->n; i++)
		elem_clear(&pl->elems[i]);
	free(pl->elems);
	free(pl);
}

/* A STRING value is quoted unless it is non-empty and free of blanks and of ',{}"\\'. */
static void print_string_value(struct tcc_printer *p, const char *s)
{
	int plain = s[0] != 0;

	for (const char *c = s; plain && *c; c++)
		if (*c == ',' || *c == '{' || *c == '}' || *c == '"' || *c == '\\' || is_blank(*c))
			plain = 0;
	if (plain) {
		tcc_printer_str(p, s);
		return;
	}
	tcc_printer_char(p, '"');
	for (const char *c = s; *c; c++) {
		if (*c == '"' || *c == '\\')
			tcc_printer_char(p, '\\');
		tcc_printer_char(p, *c);
	}
	tcc_printer_char(p, '"');
}

static void print_elem(struct tcc_printer *p, const struct pipeline_elem *e)
{
	tcc_printer_str(p, e->pass->name);
	if (!e->pass->noptions)
		return;
	tcc_printer_char(p, '{');
	for (int i = 0; i < e->pass->noptions; i++) {
		const struct tcc_pass_option *o = &e->pass->options[i];
		if (i)
			tcc_printer_char(p, ',');
		tcc_printer_str(p, o->name);
		tcc_printer_char(p, '=');
		if (o->kind == TCC_OPT_INT)
			tcc_printer_int(p, *int_slot(e, o));
		else if (o->kind == TCC_OPT_BOOL)
			tcc_printer_str(p, *int_slot(e, o) ? "true" : "false");
		else
			print_string_value(p, *str_slot(e, o) ? *str_slot(e, o) : "");
	}
	tcc_printer_char(p, '}');
}

void tcc_pipeline_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_pipeline *pl)
{
	for (int i = 0; i < pl->n; i++) {
		if (i)
			tcc_printer_char(p, ',');
		print_elem(p, &pl->elems[i]);
	}
}

/* Is pass "p" applicable to m at its current level (graph or lowered program)? */
static tcc_stat check_level(const struct tcc_pass *p, struct tcc_model *m, struct tcc_loc loc)
{
	if (p->level == TCC_LEVEL_KERNEL && !m->program) {
		tcc_diag_error(m->ctx->diag, loc,
			       "pass '%s' works on kernels: run 'lower' before it", p->name);
		return -1;
	}
	if (p->level == TCC_LEVEL_GRAPH && m->program) {
		tcc_diag_error(m->ctx->diag, loc,
			       "pass '%s' works on the graph, which 'lower' has already lowered",
			       p->name);
		return -1;
	}
	return 0;
}

/* The verifier of m's current level: the graph's, or every kernel's once lowered. */
static tcc_stat verify_level(struct tcc_model *m)
{
	if (!m->program)
		return tcc_model_verify(m);
	for (int i = 0; i < m->program->nkernels; i++)
		if (tcc_kernel_verify(m->program->kernels[i].kernel) < 0)
			return -1;
	return 0;
}

tcc_stat tcc_pipeline_run(__tcc_keep const struct tcc_pipeline *pl, __tcc_keep struct tcc_model *m,
			  int verify_each, __tcc_null tcc_pipeline_hook after, void *user)
{
	struct tcc_diag *diag = m->ctx->diag;

	for (int i = 0; i < pl->n; i++) {
		const struct pipeline_elem *e = &pl->elems[i];
		int before = tcc_diag_error_count(diag);
		struct tcc_loc loc = { .file = m->path ? m->path : "<model>" };

		if (check_level(e->pass, m, loc) < 0)
			return -1;
		if (e->pass->run(m, e->options) < 0 || tcc_diag_error_count(diag) > before) {
			if (tcc_diag_error_count(diag) == before)
				tcc_diag_error(diag, loc, "pass '%s' failed", e->pass->name);
			return -1;
		}
		if (verify_each && verify_level(m) < 0) {
			tcc_diag_error(diag, loc, "the IR is invalid after pass '%s'", e->pass->name);
			return -1;
		}
		if (after) {
			int r = after(e->pass->name, m, user);
			if (r)
				return r < 0 ? -1 : 0;
		}
	}
	return 0;
}

int tcc_pipeline_length(__tcc_keep const struct tcc_pipeline *pl)
{
	return pl ? pl->n : 0;
}
