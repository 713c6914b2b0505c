/* The ISL AST of a schedule, printed as C-like text. As in PPCG, each user node is
 * annotated when it is built (at_each_domain) with the statement's affine subscripts and
 * iterator values rewritten in terms of the AST loop iterators. */
#include <stdlib.h>
#include <string.h>

#include <isl/ast.h>
#include <isl/ast_build.h>
#include <isl/id.h>
#include <isl/map.h>

#include "ir/kernel/poly_private.h"

/* The annotation of a user node: statement "s" and "n" AST expressions "e", one per slot
 * (affine subscript or iterator value) in the order for_each_slot visits them. */
struct stmt_ast {
	const struct tcc_kstmt *s;
	int n, cap;
	isl_ast_expr **e;
};

static void stmt_ast_free(void *user)
{
	struct stmt_ast *sa = user;

	for (int i = 0; i < sa->n; i++)
		isl_ast_expr_free(sa->e[i]);
	free(sa->e);
	free(sa);
}

typedef int (*slot_fn)(const struct tcc_kexpr *e, void *user);

/* Call "fn" on every slot of "e": each affine subscript of a load, each iterator used as a
 * value (also inside a data-dependent subscript). Stops when "fn" returns < 0. */
static int for_each_slot(const struct tcc_kexpr *e, slot_fn fn, void *user)
{
	if (e->op == TCC_KOP_ITER)
		return fn(e, user);
	for (int i = 0; i < e->nargs; i++) {
		int r = e->op == TCC_KOP_LOAD && tcc_kexpr_is_affine(e->args[i]) ?
			fn(e->args[i], user) : for_each_slot(e->args[i], fn, user);

		if (r < 0)
			return r;
	}
	return 0;
}

/* "build" and "iter" (schedule → statement instance) rewrite the slots into "sa". */
struct rewrite {
	isl_ast_build *build;
	isl_pw_multi_aff *iter;
	isl_space *space;
	struct stmt_ast *sa;
};

static int add_slot(const struct tcc_kexpr *e, void *user)
{
	struct rewrite *rw = user;
	struct stmt_ast *sa = rw->sa;
	isl_pw_aff *pa = tcc_poly_expr_pw_aff(rw->space, e);
	isl_ast_expr *expr;

	pa = isl_pw_aff_pullback_pw_multi_aff(pa, isl_pw_multi_aff_copy(rw->iter));
	expr = isl_ast_build_expr_from_pw_aff(rw->build, pa);
	if (!expr)
		return -1;
	if (sa->n == sa->cap) {
		int cap = sa->cap ? 2 * sa->cap : 8;
		isl_ast_expr **e2 = realloc(sa->e, (size_t)cap * sizeof(*e2));

		if (!e2) {
			isl_ast_expr_free(expr);
			return -1;
		}
		sa->e = e2;
		sa->cap = cap;
	}
	sa->e[sa->n++] = expr;
	return 0;
}

static const struct tcc_kstmt *user_stmt(__isl_keep isl_ast_node *node,
					 const struct tcc_kernel *k)
{
	isl_ast_expr *call = isl_ast_node_user_get_expr(node);
	isl_ast_expr *arg = isl_ast_expr_op_get_arg(call, 0);
	isl_id *id = isl_ast_expr_get_id(arg);
	const struct tcc_kstmt *s = id ? tcc_poly_find_stmt(k, isl_id_get_name(id)) : NULL;

	isl_id_free(id);
	isl_ast_expr_free(arg);
	isl_ast_expr_free(call);
	return s;
}

static __isl_give isl_ast_node *at_domain(__isl_take isl_ast_node *node,
					  __isl_keep isl_ast_build *build, void *user)
{
	struct tcc_poly *poly = user;
	const struct tcc_kstmt *s = user_stmt(node, poly->k);
	struct rewrite rw = { .build = build };
	isl_union_map *sched;
	isl_id *id;

	if (!s || !(rw.sa = calloc(1, sizeof(*rw.sa))))
		return isl_ast_node_free(node);
	rw.sa->s = s;
	sched = isl_ast_build_get_schedule(build);
	rw.iter = isl_pw_multi_aff_from_map(isl_map_reverse(isl_map_from_union_map(sched)));
	rw.space = tcc_poly_stmt_space(poly->ctx, s);
	if (for_each_slot(s->target, add_slot, &rw) < 0 || for_each_slot(s->rhs, add_slot, &rw) < 0)
		node = isl_ast_node_free(node);
	isl_pw_multi_aff_free(rw.iter);
	isl_space_free(rw.space);
	id = isl_id_alloc(poly->ctx, s->name, rw.sa);
	id = isl_id_set_free_user(id, &stmt_ast_free);
	if (!id)
		stmt_ast_free(rw.sa);
	return isl_ast_node_set_annotation(node, id);
}

/* ---- printing ---- */

static void print_ast_expr(struct tcc_printer *p, __isl_keep isl_ast_expr *e, int value)
{
	enum isl_ast_expr_type t = isl_ast_expr_get_type(e);
	char *s = isl_ast_expr_to_C_str(e);
	int paren = value && t == isl_ast_expr_op;

	if (paren)
		tcc_printer_char(p, '(');
	tcc_printer_str(p, s ? s : "?");
	if (paren)
		tcc_printer_char(p, ')');
	free(s);
}

/* "sa" holds the slots and "next" the next one to print. */
struct cprint {
	struct tcc_printer *p;
	struct stmt_ast *sa;
	int next;
};

static void print_c_expr(struct cprint *cp, const struct tcc_kexpr *e, int prec);

static void print_slot(struct cprint *cp, int value)
{
	if (cp->next < cp->sa->n)
		print_ast_expr(cp->p, cp->sa->e[cp->next], value);
	else
		tcc_printer_str(cp->p, "?");
	cp->next++;
}

static void print_c_load(struct cprint *cp, const struct tcc_kexpr *e)
{
	tcc_printer_str(cp->p, e->u.buf->name);
	for (int i = 0; i < e->nargs; i++) {
		tcc_printer_char(cp->p, '[');
		if (tcc_kexpr_is_affine(e->args[i]))
			print_slot(cp, 0);
		else
			print_c_expr(cp, e->args[i], 0);
		tcc_printer_char(cp->p, ']');
	}
}

static void print_c_call(struct cprint *cp, const struct tcc_kexpr *e)
{
	if (e->op == TCC_KOP_CAST)
		tcc_printer_fmt(cp->p, "(%s)(", tcc_dtype_name(e->u.cast_to));
	else
		tcc_printer_fmt(cp->p, "%s(", tcc_kop_name(e->op));
	for (int i = 0; i < e->nargs; i++) {
		if (i)
			tcc_printer_str(cp->p, ", ");
		print_c_expr(cp, e->args[i], 0);
	}
	tcc_printer_char(cp->p, ')');
}

/* "prec": the precedence the context needs (parenthesise below it). */
static void print_c_expr(struct cprint *cp, const struct tcc_kexpr *e, int prec)
{
	int ep = tcc_kop_prec(e->op);

	switch (tcc_kop_class(e->op)) {
	case TCC_KCLS_LEAF:
		if (e->op == TCC_KOP_LOAD)
			print_c_load(cp, e);
		else if (e->op == TCC_KOP_ITER)
			print_slot(cp, 1);
		else
			tcc_kexpr_print(cp->p, cp->sa->s, e, 0);
		return;
	case TCC_KCLS_INFIX:
		if (ep < prec)
			tcc_printer_char(cp->p, '(');
		print_c_expr(cp, e->args[0], ep);
		tcc_printer_fmt(cp->p, " %s ", tcc_kop_name(e->op));
		print_c_expr(cp, e->args[1], ep + 1);
		if (ep < prec)
			tcc_printer_char(cp->p, ')');
		return;
	default:
		print_c_call(cp, e);
	}
}

static void print_user(struct tcc_printer *p, __isl_keep isl_ast_node *node)
{
	isl_id *id = isl_ast_node_get_annotation(node);
	struct cprint cp = { .p = p, .sa = id ? isl_id_get_user(id) : NULL };
	const struct tcc_kstmt *s;

	isl_id_free(id);
	tcc_printer_indent(p);
	if (!cp.sa) {
		tcc_printer_str(p, "?;\n");
		return;
	}
	s = cp.sa->s;
	print_c_load(&cp, s->target);
	if (s->update == TCC_KUPD_MAX || s->update == TCC_KUPD_MIN) {
		tcc_printer_fmt(p, " = %s(", s->update == TCC_KUPD_MAX ? "max" : "min");
		cp.next = 0; /* the target's slots again */
		print_c_load(&cp, s->target);
		tcc_printer_str(p, ", ");
		print_c_expr(&cp, s->rhs, 0);
		tcc_printer_char(p, ')');
	} else {
		tcc_printer_fmt(p, " %s ", tcc_kupdate_name(s->update));
		print_c_expr(&cp, s->rhs, 0);
	}
	tcc_printer_str(p, ";\n");
}

static tcc_stat print_node(struct tcc_printer *p, __isl_keep isl_ast_node *node);

/* The body of a for/if: a block in braces, anything else indented on its own line(s). */
static tcc_stat print_body(struct tcc_printer *p, __isl_take isl_ast_node *body)
{
	int block = isl_ast_node_get_type(body) == isl_ast_node_block;
	tcc_stat r;

	tcc_printer_str(p, block ? " {\n" : "\n");
	tcc_printer_push(p);
	r = print_node(p, body);
	tcc_printer_pop(p);
	if (block) {
		tcc_printer_indent(p);
		tcc_printer_str(p, "}\n");
	}
	isl_ast_node_free(body);
	return body ? r : -1;
}

static void print_expr_take(struct tcc_printer *p, __isl_take isl_ast_expr *e)
{
	print_ast_expr(p, e, 0);
	isl_ast_expr_free(e);
}

static tcc_stat print_for(struct tcc_printer *p, __isl_keep isl_ast_node *node)
{
	isl_ast_expr *it = isl_ast_node_for_get_iterator(node);

	tcc_printer_indent(p);
	if (isl_ast_node_for_is_degenerate(node) == isl_bool_true) {
		tcc_printer_str(p, "{\n");
		tcc_printer_push(p);
		tcc_printer_indent(p);
		tcc_printer_str(p, "int ");
		print_expr_take(p, it);
		tcc_printer_str(p, " = ");
		print_expr_take(p, isl_ast_node_for_get_init(node));
		tcc_printer_str(p, ";\n");
		print_node(p, isl_ast_node_for_get_body(node));
		tcc_printer_pop(p);
		tcc_printer_indent(p);
		tcc_printer_str(p, "}\n");
		return 0;
	}
	tcc_printer_str(p, "for (int ");
	print_ast_expr(p, it, 0);
	tcc_printer_str(p, " = ");
	print_expr_take(p, isl_ast_node_for_get_init(node));
	tcc_printer_str(p, "; ");
	print_expr_take(p, isl_ast_node_for_get_cond(node));
	tcc_printer_str(p, "; ");
	print_expr_take(p, it);
	tcc_printer_str(p, " += ");
	print_expr_take(p, isl_ast_node_for_get_inc(node));
	tcc_printer_char(p, ')');
	return print_body(p, isl_ast_node_for_get_body(node));
}

static tcc_stat print_if(struct tcc_printer *p, __isl_keep isl_ast_node *node)
{
	tcc_stat r;

	tcc_printer_indent(p);
	tcc_printer_str(p, "if (");
	print_expr_take(p, isl_ast_node_if_get_cond(node));
	tcc_printer_char(p, ')');
	r = print_body(p, isl_ast_node_if_get_then_node(node));
	if (isl_ast_node_if_has_else_node(node) == isl_bool_true) {
		tcc_printer_indent(p);
		tcc_printer_str(p, "else");
		r |= print_body(p, isl_ast_node_if_get_else_node(node));
	}
	return r;
}

static tcc_stat print_block(struct tcc_printer *p, __isl_keep isl_ast_node *node)
{
	isl_ast_node_list *list = isl_ast_node_block_get_children(node);
	isl_size n = isl_ast_node_list_size(list);
	tcc_stat r = n < 0 ? -1 : 0;

	for (isl_size i = 0; i < n; i++) {
		isl_ast_node *child = isl_ast_node_list_get_at(list, i);

		r |= print_node(p, child);
		isl_ast_node_free(child);
	}
	isl_ast_node_list_free(list);
	return r;
}

static tcc_stat print_mark(struct tcc_printer *p, __isl_keep isl_ast_node *node)
{
	isl_id *id = isl_ast_node_mark_get_id(node);
	isl_ast_node *child = isl_ast_node_mark_get_node(node);
	tcc_stat r;

	tcc_printer_indent(p);
	tcc_printer_fmt(p, "// %s\n", id ? isl_id_get_name(id) : "?");
	r = print_node(p, child);
	isl_ast_node_free(child);
	isl_id_free(id);
	return r;
}

static tcc_stat print_node(struct tcc_printer *p, __isl_keep isl_ast_node *node)
{
	switch (isl_ast_node_get_type(node)) {
	case isl_ast_node_for:
		return print_for(p, node);
	case isl_ast_node_if:
		return print_if(p, node);
	case isl_ast_node_block:
		return print_block(p, node);
	case isl_ast_node_mark:
		return print_mark(p, node);
	case isl_ast_node_user:
		print_user(p, node);
		return 0;
	default:
		return -1;
	}
}

tcc_stat tcc_poly_print_ast(__tcc_keep struct tcc_poly *poly, __tcc_keep struct tcc_printer *p,
			    __isl_keep __tcc_null isl_schedule *sched)
{
	isl_ast_build *build = isl_ast_build_alloc(poly->ctx);
	isl_ast_node *tree;
	tcc_stat r;

	build = isl_ast_build_set_at_each_domain(build, &at_domain, poly);
	tree = isl_ast_build_node_from_schedule(build,
		isl_schedule_copy(sched ? sched : poly->schedule));
	isl_ast_build_free(build);
	if (!tree) {
		tcc_diag_error(poly->k->ctx->diag, poly->k->loc,
			       "kernel '%s': cannot generate the loop AST", poly->k->name);
		return -1;
	}
	r = print_node(p, tree);
	isl_ast_node_free(tree);
	return r;
}

__tcc_give char *tcc_poly_ast_to_str(__tcc_keep struct tcc_poly *poly,
				     __isl_keep __tcc_null isl_schedule *sched)
{
	struct tcc_printer *p = tcc_printer_to_str();

	if (!p)
		return NULL;
	if (tcc_poly_print_ast(poly, p, sched) < 0 || tcc_printer_failed(p)) {
		tcc_printer_free(p);
		return NULL;
	}
	return tcc_printer_take_str(p);
}
