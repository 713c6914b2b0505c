/* The kernel IR text form (grammar in docs/ir-kernel.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir/kernel/kernel.h"

static const char *dt_text(int dt)
{
	const char *n = tcc_dtype_name(dt);

	return n ? n : "undefined";
}

/* A float literal always shows that it is one ("0.0", "1e-05", "inf"). */
static void print_float_lit(struct tcc_printer *p, double v)
{
	/* Infinities and NaN print as words; a finite value without '.' or an exponent gets
	 * ".0" so that it reads back as a float. Decided on the value, not on the printed text
	 * (a printer writing to a file keeps none). */
	tcc_printer_double(p, v);
	if (isfinite(v) && v == trunc(v) && fabs(v) < 1e15)
		tcc_printer_str(p, ".0");
}

static void print_args(struct tcc_printer *p, const struct tcc_kstmt *s,
		       const struct tcc_kexpr *e, int from, int compact)
{
	for (int i = from; i < e->nargs; i++) {
		if (i > from)
			tcc_printer_str(p, compact ? "," : ", ");
		tcc_kexpr_print(p, s, e->args[i], compact);
	}
}

static void print_iter(struct tcc_printer *p, const struct tcc_kstmt *s, int iter)
{
	if (s && iter >= 0 && iter < s->niters)
		tcc_printer_str(p, s->iters[iter].name);
	else
		tcc_printer_fmt(p, "$%d", iter);
}

/* An infix operand: parenthesised when it binds looser than its parent ("prec"), or as
 * tightly but on the right (all infix operators are left-associative). */
static void print_operand(struct tcc_printer *p, const struct tcc_kstmt *s,
			  const struct tcc_kexpr *e, int prec, int right, int compact)
{
	int ep = tcc_kop_class(e->op) == TCC_KCLS_INFIX ? tcc_kop_prec(e->op) : 100;
	int paren = ep < prec || (right && ep == prec);

	/* Negative literals need none: the parser folds a leading '-' into the literal. */
	if (paren)
		tcc_printer_char(p, '(');
	tcc_kexpr_print(p, s, e, compact);
	if (paren)
		tcc_printer_char(p, ')');
}

void tcc_kexpr_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_kstmt *s,
		     __tcc_keep const struct tcc_kexpr *e, int compact)
{
	int prec;

	switch (e->op) {
	case TCC_KOP_INT:
		tcc_printer_int(p, e->u.i);
		return;
	case TCC_KOP_FLOAT:
		print_float_lit(p, e->u.f);
		return;
	case TCC_KOP_ITER:
		print_iter(p, s, e->u.iter);
		return;
	case TCC_KOP_LOAD:
		tcc_printer_str(p, e->u.buf ? e->u.buf->name : "?");
		tcc_printer_char(p, '[');
		print_args(p, s, e, 0, 1);
		tcc_printer_char(p, ']');
		return;
	case TCC_KOP_CAST:
		tcc_printer_fmt(p, "cast<%s>(", dt_text(e->u.cast_to));
		print_args(p, s, e, 0, compact);
		tcc_printer_char(p, ')');
		return;
	default:
		break;
	}
	if (tcc_kop_class(e->op) != TCC_KCLS_INFIX) {
		tcc_printer_str(p, tcc_kop_name(e->op));
		tcc_printer_char(p, '(');
		print_args(p, s, e, 0, compact);
		tcc_printer_char(p, ')');
		return;
	}
	prec = tcc_kop_prec(e->op);
	print_operand(p, s, e->args[0], prec, 0, compact);
	if (!compact)
		tcc_printer_char(p, ' ');
	tcc_printer_str(p, tcc_kop_name(e->op));
	if (!compact)
		tcc_printer_char(p, ' ');
	print_operand(p, s, e->args[1], prec, 1, compact);
}

static void print_domain(struct tcc_printer *p, const struct tcc_kstmt *s)
{
	tcc_printer_char(p, '[');
	for (int i = 0; i < s->niters; i++) {
		const struct tcc_kiter *it = &s->iters[i];

		if (i)
			tcc_printer_str(p, ", ");
		if (it->lo == 0)
			tcc_printer_fmt(p, "%s<%lld", it->name, (long long)it->hi);
		else
			tcc_printer_fmt(p, "%s in %lld..%lld", it->name, (long long)it->lo,
					(long long)it->hi);
	}
	for (int i = 0; i < s->ncons; i++) {
		tcc_printer_str(p, i ? ", " : s->niters ? " : " : ": ");
		tcc_kexpr_print(p, s, s->cons[i], 0);
	}
	tcc_printer_char(p, ']');
}

void tcc_kstmt_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_kstmt *s)
{
	tcc_printer_str(p, s->name);
	print_domain(p, s);
	tcc_printer_str(p, ": ");
	if (s->target)
		tcc_kexpr_print(p, s, s->target, 1);
	tcc_printer_fmt(p, " %s ", tcc_kupdate_name(s->update));
	if (s->rhs)
		tcc_kexpr_print(p, s, s->rhs, 0);
}

static void print_buf(struct tcc_printer *p, const struct tcc_kbuf *b)
{
	tcc_printer_fmt(p, "%s %s: %s[", tcc_kbuf_role_name(b->role), b->name, dt_text(b->dtype));
	for (int d = 0; d < b->rank; d++) {
		if (d)
			tcc_printer_char(p, ',');
		tcc_printer_int(p, b->dims[d]);
	}
	tcc_printer_char(p, ']');
}

void tcc_kernel_print(__tcc_keep struct tcc_printer *p, __tcc_keep const struct tcc_kernel *k)
{
	tcc_printer_fmt(p, "kernel %s(", k->name);
	for (int i = 0; i < k->nbufs; i++) {
		if (i)
			tcc_printer_str(p, ", ");
		print_buf(p, k->bufs[i]);
	}
	tcc_printer_str(p, ") {\n");
	tcc_printer_push(p);
	for (int i = 0; i < k->nstmts; i++) {
		tcc_printer_indent(p);
		tcc_kstmt_print(p, k->stmts[i]);
		tcc_printer_char(p, '\n');
	}
	tcc_printer_pop(p);
	tcc_printer_str(p, "}\n");
}

__tcc_give char *tcc_kernel_to_str(__tcc_keep const struct tcc_kernel *k)
{
	struct tcc_printer *p = tcc_printer_to_str();

	if (!p)
		return NULL;
	tcc_kernel_print(p, k);
	if (tcc_printer_failed(p)) {
		tcc_printer_free(p);
		return NULL;
	}
	return tcc_printer_take_str(p);
}
