/* Private to the text frontend: the parser state shared by parse.c (models, graphs, nodes,
 * functions) and parse_value.c (types, tensor literals, attributes). */
#ifndef TCC_FRONTEND_TEXT_PARSE_PRIVATE_H
#define TCC_FRONTEND_TEXT_PARSE_PRIVATE_H

#include "frontend/text/lexer.h"
#include "ir/graph/graph.h"

/* Deepest nesting of graphs (attributes holding graphs) and of types (seq(seq(...))). */
#define TCC_TEXT_MAX_DEPTH 64

/* A growable array in arena memory: "n" items of the caller's type out of "cap". */
struct tcc_avec {
	void *data;
	int64_t n, cap;
};

/* Names resolved once the whole model is parsed (forward references are allowed):
 * a node input ("node", "index"), a graph output ("graph", "index" -1, "type" optional) or a
 * value_info entry ("graph", "index" -2, "type"). */
struct tcc_text_ref {
	struct tcc_node *node;
	struct tcc_graph *graph;
	int index;
	const char *name;
	struct tcc_type *type;
	struct tcc_loc loc;
};

/* "lx" holds the current token; "failed" is set by the first error, after which nothing else
 * is reported. "refs" collects struct tcc_text_ref. "graph_depth"/"type_depth" guard
 * recursion. */
struct tcc_text_parser {
	struct tcc_ctx *ctx;
	const char *file;
	size_t len;
	const char *text;
	struct tcc_lexer lx;
	struct tcc_model *model;
	struct tcc_avec refs;
	int graph_depth, type_depth;
	int failed;
};

/* ---- helpers (parse.c) ---- */
struct tcc_loc tcc_text_loc(const struct tcc_text_parser *p);
/* Report "message" at the current token (only the first error is reported); returns -1. */
tcc_stat tcc_text_error(struct tcc_text_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
tcc_stat tcc_text_error_at(struct tcc_text_parser *p, struct tcc_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
tcc_stat tcc_text_oom(struct tcc_text_parser *p);
void tcc_text_next(struct tcc_text_parser *p);
/* Consume punctuation c or report "expected 'c' WHAT". */
tcc_stat tcc_text_expect(struct tcc_text_parser *p, char c, const char *what);
int tcc_text_accept(struct tcc_text_parser *p, char c);
/* Push a copy of "item" ("size" bytes); returns the new slot or NULL (reported). */
void *tcc_text_push(struct tcc_text_parser *p, struct tcc_avec *v, const void *item, size_t size);
/* A name: identifier or quoted string (arena copy). NULL on error (reported). "what" names
 * the thing for the message. */
const char *tcc_text_name(struct tcc_text_parser *p, const char *what);
const char *tcc_text_string(struct tcc_text_parser *p, size_t *len, const char *what);
tcc_stat tcc_text_int64(struct tcc_text_parser *p, int64_t *v, const char *what);
/* A graph (name, signature, entries, body) whose parent is "parent". */
__tcc_keep struct tcc_graph *tcc_text_graph(struct tcc_text_parser *p,
					    __tcc_null struct tcc_graph *parent);

/* ---- values (parse_value.c) ---- */
/* Does the current token start a type (a dtype name, seq, map, optional, sparse_tensor)? */
int tcc_text_at_type(const struct tcc_text_parser *p);
tcc_stat tcc_text_type(struct tcc_text_parser *p, struct tcc_type *t);
/* Tensor data "{...}" for a tensor of type "t" (a tensor type with numeric dims); "name" may
 * be NULL. */
__tcc_keep struct tcc_tensor_data *tcc_text_tensor_data(struct tcc_text_parser *p,
						   const struct tcc_type *t, const char *name);
/* A tensor literal: type [name] ['='] data. */
__tcc_keep struct tcc_tensor_data *tcc_text_tensor(struct tcc_text_parser *p);
/* Sparse tensor data "{values, indices}" for sparse type "t". */
__tcc_keep struct tcc_sparse_tensor *tcc_text_sparse_data(struct tcc_text_parser *p,
							  const struct tcc_type *t);
/* One attribute "name [: type] = value" into *a (graphs nest under "g"). */
tcc_stat tcc_text_attr(struct tcc_text_parser *p, struct tcc_graph *g, struct tcc_attr *a,
		       const char *name);
/* "<" attr, ... ">" → arena array. */
tcc_stat tcc_text_attrs(struct tcc_text_parser *p, struct tcc_graph *g, struct tcc_attr **attrs,
			int *n);

#endif
