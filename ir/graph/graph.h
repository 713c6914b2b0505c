/* The graph IR: an ONNX model held faithfully in memory.
 *
 * A tcc_model owns one top-level tcc_graph (plus local functions). A graph holds values
 * and nodes in topological order. Every object comes from the model's tcc_ctx arena and
 * is freed with it (all pointers here are __tcc_keep).
 *
 * Numbering of dtypes and attribute kinds follows onnx.proto, so conversions are casts.
 */
#ifndef TCC_IR_GRAPH_GRAPH_H
#define TCC_IR_GRAPH_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "support/ctx.h"
#include "support/own.h"

/* ---- element types (TensorProto.DataType numbering) ---- */
enum tcc_dtype {
	TCC_DT_UNDEFINED = 0,
	TCC_DT_FLOAT = 1,
	TCC_DT_UINT8 = 2,
	TCC_DT_INT8 = 3,
	TCC_DT_UINT16 = 4,
	TCC_DT_INT16 = 5,
	TCC_DT_INT32 = 6,
	TCC_DT_INT64 = 7,
	TCC_DT_STRING = 8,
	TCC_DT_BOOL = 9,
	TCC_DT_FLOAT16 = 10,
	TCC_DT_DOUBLE = 11,
	TCC_DT_UINT32 = 12,
	TCC_DT_UINT64 = 13,
	TCC_DT_COMPLEX64 = 14,
	TCC_DT_COMPLEX128 = 15,
	TCC_DT_BFLOAT16 = 16,
	TCC_DT_FLOAT8E4M3FN = 17,
	TCC_DT_FLOAT8E4M3FNUZ = 18,
	TCC_DT_FLOAT8E5M2 = 19,
	TCC_DT_FLOAT8E5M2FNUZ = 20,
	TCC_DT_UINT4 = 21,
	TCC_DT_INT4 = 22,
	TCC_DT_FLOAT4E2M1 = 23,
	TCC_DT_FLOAT8E8M0 = 24,
	TCC_DT_UINT2 = 25,
	TCC_DT_INT2 = 26,
	TCC_DT_COUNT
};

/* The ONNX text-syntax name ("float", "int64", "bfloat16", ...); NULL for unknown codes. */
const char *tcc_dtype_name(int dtype);
/* Inverse of tcc_dtype_name; TCC_DT_UNDEFINED when the name is not a dtype. */
enum tcc_dtype tcc_dtype_from_name(const char *name, size_t len);
/* Bits per element (4 for int4, 2 for int2, 128 for complex128); 0 for string/undefined. */
int tcc_dtype_bits(int dtype);
int tcc_dtype_is_valid(int dtype);
int tcc_dtype_is_float(int dtype);   /* float16/32/64, bfloat16, float8/4 kinds */
int tcc_dtype_is_int(int dtype);     /* signed or unsigned integers, not bool */
int tcc_dtype_is_signed(int dtype);

/* ---- types ---- */
enum tcc_type_kind {
	TCC_TYPE_UNKNOWN = 0, /* no type information */
	TCC_TYPE_TENSOR,
	TCC_TYPE_SPARSE_TENSOR,
	TCC_TYPE_SEQUENCE,
	TCC_TYPE_MAP,
	TCC_TYPE_OPTIONAL,
};

/* One dimension: "value" >= 0 when known, -1 when not; "param" names a symbolic dim. */
struct tcc_dim {
	int64_t value;
	const char *param;
};

/* A value's type. Tensors: "elem" and a shape of "rank" "dims" (rank -1: shape unknown).
 * Sequence and optional: "inner" is the element type. Map: "elem" is the key dtype and
 * "inner" the value type. "denotation" is kept from the ONNX file. */
struct tcc_type {
	enum tcc_type_kind kind;
	int elem;
	int32_t rank;
	struct tcc_dim *dims;
	struct tcc_type *inner;
	const char *denotation;
};

/* ---- constant tensors ---- */

/* A byte string (ONNX strings may hold any bytes). */
struct tcc_bytes {
	size_t len;
	const char *data;
};

/* Constant data: "numel" elements of "dtype" with shape "dims"; "data" holds them packed in
 * little-endian order ("nbytes" bytes; sub-byte types two or four to a byte, low bits first,
 * as ONNX packs them); strings are in "strings" instead. "name" may be NULL. */
struct tcc_tensor_data {
	const char *name;
	const char *doc_string;
	int dtype;
	int32_t rank;
	int64_t *dims;
	int64_t numel;
	size_t nbytes;
	void *data;
	struct tcc_bytes *strings;
};

/* A sparse tensor: "values" (1-D) at "indices" ([nnz] linear or [nnz, rank]) in a dense shape. */
struct tcc_sparse_tensor {
	struct tcc_tensor_data *values;
	struct tcc_tensor_data *indices;
	int32_t rank;
	int64_t *dims;
};

/* Largest element count tcc accepts for any shape (2^40): a bigger one is an error. */
#define TCC_MAX_NUMEL ((int64_t)1 << 40)

/* New zeroed tensor; reports an error and returns NULL for negative dims, overflow or
 * more than TCC_MAX_NUMEL elements. "dims" is copied. */
__tcc_keep struct tcc_tensor_data *tcc_tensor_new(__tcc_keep struct tcc_ctx *ctx, struct tcc_loc loc,
					     int dtype, int32_t rank, const int64_t *dims);
/* Element count of a shape; -1 (no report) on a negative dim or more than TCC_MAX_NUMEL. */
int64_t tcc_shape_numel(int32_t rank, const int64_t *dims);
/* Element i as double / int64 for any numeric dtype (bool, ints, floats incl. f16/bf16/f8). */
double tcc_tensor_get_f64(__tcc_keep const struct tcc_tensor_data *t, int64_t i);
int64_t tcc_tensor_get_i64(__tcc_keep const struct tcc_tensor_data *t, int64_t i);
/* Store v into element i, converting (rounding to nearest even for float16/bfloat16,
 * wrapping for integers as a C cast from int64 would, nonzero → 1 for bool). */
void tcc_tensor_set_f64(__tcc_keep struct tcc_tensor_data *t, int64_t i, double v);
void tcc_tensor_set_i64(__tcc_keep struct tcc_tensor_data *t, int64_t i, int64_t v);
__tcc_keep struct tcc_tensor_data *tcc_tensor_copy(__tcc_keep struct tcc_ctx *ctx,
					      __tcc_keep const struct tcc_tensor_data *t);
int tcc_tensor_equal(__tcc_keep const struct tcc_tensor_data *a, __tcc_keep const struct tcc_tensor_data *b);

float tcc_f16_to_f32(uint16_t h);
uint16_t tcc_f32_to_f16(float f);
float tcc_bf16_to_f32(uint16_t h);
uint16_t tcc_f32_to_bf16(float f);

/* ---- attributes (AttributeProto.AttributeType numbering) ---- */
enum tcc_attr_kind {
	TCC_ATTR_UNDEFINED = 0,
	TCC_ATTR_FLOAT = 1,
	TCC_ATTR_INT = 2,
	TCC_ATTR_STRING = 3,
	TCC_ATTR_TENSOR = 4,
	TCC_ATTR_GRAPH = 5,
	TCC_ATTR_FLOATS = 6,
	TCC_ATTR_INTS = 7,
	TCC_ATTR_STRINGS = 8,
	TCC_ATTR_TENSORS = 9,
	TCC_ATTR_GRAPHS = 10,
	TCC_ATTR_SPARSE_TENSOR = 11,
	TCC_ATTR_SPARSE_TENSORS = 12,
	TCC_ATTR_TYPE_PROTO = 13,
	TCC_ATTR_TYPE_PROTOS = 14,
};

struct tcc_graph;

/* A node attribute. "kind" says which union member is used; list kinds have "n" entries.
 * "ref_attr_name" set: inside a function body, the value comes from the caller's attribute
 * of that name (then the union is unused). */
struct tcc_attr {
	const char *name;
	enum tcc_attr_kind kind;
	const char *ref_attr_name;
	const char *doc_string;
	int64_t n;
	union {
		float f;
		int64_t i;
		struct tcc_bytes s;
		struct tcc_tensor_data *t;
		struct tcc_graph *g;
		struct tcc_sparse_tensor *sp;
		struct tcc_type *tp;
		float *floats;
		int64_t *ints;
		struct tcc_bytes *strings;
		struct tcc_tensor_data **tensors;
		struct tcc_graph **graphs;
		struct tcc_sparse_tensor **sparse_tensors;
		struct tcc_type **types;
	} u;
};

const char *tcc_attr_kind_name(enum tcc_attr_kind kind); /* "float", "ints", "graph", ... */

/* ---- values and nodes ---- */
struct tcc_node;

/* A value: a graph input, an initializer (constant "init"), or a node output ("producer",
 * output index "producer_index"). "graph" is the graph that defines it. "is_input" /
 * "is_output" mark the graph's signature; "has_info" says the ONNX file listed it in
 * value_info (kept so writing the model back preserves it). "uses" is valid after
 * tcc_graph_count_uses(). */
struct tcc_value {
	const char *name;
	const char *doc_string;
	struct tcc_type type;
	struct tcc_graph *graph;
	struct tcc_node *producer;
	int producer_index;
	struct tcc_tensor_data *init;
	unsigned is_input : 1, is_output : 1, has_info : 1;
	int uses;
};

/* A node. "inputs"/"outputs" entries may be NULL for omitted optional ones (ONNX's "").
 * "mark" is scratch space for the algorithm at hand (toposort uses it). */
struct tcc_node {
	const char *op_type;
	const char *domain; /* "" for the default ONNX domain */
	const char *name;   /* may be "" */
	const char *doc_string;
	const char *overload;
	int ninputs, noutputs, nattrs;
	struct tcc_value **inputs;
	struct tcc_value **outputs;
	struct tcc_attr *attrs;
	struct tcc_loc loc;
	struct tcc_graph *graph;
	int mark;
	unsigned dead : 1;
};

struct tcc_name_table;

/* A graph. "nodes" are kept in topological order by the frontends and passes. "values"
 * lists every value the graph defines (inputs, initializers, node outputs) in creation
 * order. "initializers" lists the constant values in file order; an initializer that is
 * also an input (IR < 4) has is_input set. "parent" is the enclosing graph of a sub-graph,
 * whose values the sub-graph may use. "sparse_initializers" are kept as data. */
struct tcc_graph {
	struct tcc_ctx *ctx;
	struct tcc_graph *parent;
	const char *name;
	const char *doc_string;
	struct tcc_loc loc;
	int nnodes, ninputs, noutputs, nvalues, ninitializers, nsparse;
	int cap_nodes, cap_inputs, cap_outputs, cap_values, cap_initializers, cap_sparse;
	struct tcc_node **nodes;
	struct tcc_value **inputs;
	struct tcc_value **outputs;
	struct tcc_value **values;
	struct tcc_value **initializers;
	struct tcc_sparse_tensor **sparse_initializers;
	const char **sparse_names;
	struct tcc_name_table *names;
};

struct tcc_opset {
	const char *domain;
	int64_t version;
};

struct tcc_string_pair {
	const char *key, *value;
};

/* A model-local function (FunctionProto). Its body is a graph whose inputs/outputs are
 * untyped values; "attrs" names its attribute parameters and "attr_defaults" holds those
 * given default values. */
struct tcc_function {
	const char *name, *domain, *overload, *doc_string;
	int nopsets, nattrs, ndefaults;
	struct tcc_opset *opsets;
	const char **attrs;
	struct tcc_attr *attr_defaults;
	struct tcc_graph *body;
	struct tcc_loc loc;
};

/* A model: header fields from ModelProto, "graph", and local "functions". "path" is the
 * file it was read from (external data is resolved relative to it). */
struct tcc_program;

struct tcc_model {
	struct tcc_ctx *ctx;
	const char *path;
	int64_t ir_version;
	int64_t model_version;
	const char *producer_name, *producer_version, *domain, *doc_string;
	int nopsets, nmetadata, nfunctions;
	struct tcc_opset *opsets;
	struct tcc_string_pair *metadata;
	struct tcc_function **functions;
	struct tcc_graph *graph;
	/* The lowered program (ir/kernel/program.h): NULL until the "lower" pass has run; from
	 * then on kernel-level passes transform it and the graph is left as it was. */
	struct tcc_program *program;
};

/* ---- building ---- */
__tcc_keep struct tcc_model *tcc_model_new(__tcc_keep struct tcc_ctx *ctx, const char *path);
/* Opset version the model imports for "domain" ("" or "ai.onnx" for ONNX), or -1. */
int64_t tcc_model_opset(__tcc_keep const struct tcc_model *m, const char *domain);
tcc_stat tcc_model_add_opset(__tcc_keep struct tcc_model *m, const char *domain, int64_t version);

__tcc_keep struct tcc_graph *tcc_graph_new(__tcc_keep struct tcc_ctx *ctx,
					   __tcc_keep __tcc_null struct tcc_graph *parent);

/* A new value named "name" defined by g (name copied). NULL on out of memory. A duplicate
 * name is allowed here (the verifier reports it); lookup finds the first. */
__tcc_keep struct tcc_value *tcc_graph_new_value(__tcc_keep struct tcc_graph *g, const char *name);
/* The value named "name" visible in g (g, then its parents); NULL when none. */
__tcc_keep struct tcc_value *tcc_graph_lookup(__tcc_keep const struct tcc_graph *g, const char *name);
/* The value named "name" defined in g itself. */
__tcc_keep struct tcc_value *tcc_graph_lookup_local(__tcc_keep const struct tcc_graph *g,
						     const char *name);
/* A name not yet used in g or its parents, built from prefix ("prefix", "prefix_1", ...). */
__tcc_keep const char *tcc_graph_fresh_name(__tcc_keep struct tcc_graph *g, const char *prefix);
/* Rename v (updates the name table). */
tcc_stat tcc_value_rename(__tcc_keep struct tcc_value *v, const char *name);

tcc_stat tcc_graph_add_input(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *v);
tcc_stat tcc_graph_add_output(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *v);
/* Make v a constant holding t, listed among the initializers. */
tcc_stat tcc_graph_add_initializer(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *v,
				   __tcc_keep struct tcc_tensor_data *t);
tcc_stat tcc_graph_add_sparse_initializer(__tcc_keep struct tcc_graph *g, const char *name,
					  __tcc_keep struct tcc_sparse_tensor *sp);

/* Append a node; sets producer/producer_index of its non-NULL outputs. The arrays are
 * copied. */
__tcc_keep struct tcc_node *tcc_graph_add_node(__tcc_keep struct tcc_graph *g, const char *op_type,
					       const char *domain, const char *name,
					       int ninputs, struct tcc_value *const *inputs,
					       int noutputs, struct tcc_value *const *outputs,
					       struct tcc_loc loc);
/* Like tcc_graph_add_node, but placed right before node "before" in g->nodes. */
__tcc_keep struct tcc_node *tcc_graph_insert_node_before(__tcc_keep struct tcc_graph *g,
							 __tcc_keep struct tcc_node *before,
							 const char *op_type, const char *domain,
							 const char *name, int ninputs,
							 struct tcc_value *const *inputs, int noutputs,
							 struct tcc_value *const *outputs,
							 struct tcc_loc loc);
/* Mark a node dead (its outputs lose their producer); tcc_graph_compact drops dead nodes
 * and values no longer defined or used. */
void tcc_graph_remove_node(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_node *n);
void tcc_graph_compact(__tcc_keep struct tcc_graph *g);
/* Replace every use of "from" by "to" in g, its sub-graphs, and g's outputs. */
void tcc_graph_replace_uses(__tcc_keep struct tcc_graph *g, __tcc_keep struct tcc_value *from,
			    __tcc_keep struct tcc_value *to);
/* Recount value->uses over g and its sub-graphs (graph outputs count as uses). */
void tcc_graph_count_uses(__tcc_keep struct tcc_graph *g);
/* Reorder g->nodes topologically (stable). Reports a cycle naming a node and returns -1. */
tcc_stat tcc_graph_toposort(__tcc_keep struct tcc_graph *g);

/* Attributes: add (copies name), find by name (NULL when absent), typed getters with a
 * default used when the attribute is absent. */
__tcc_keep struct tcc_attr *tcc_node_add_attr(__tcc_keep struct tcc_node *n, const char *name,
					      enum tcc_attr_kind kind);
__tcc_keep struct tcc_attr *tcc_node_find_attr(__tcc_keep const struct tcc_node *n, const char *name);
void tcc_node_remove_attr(__tcc_keep struct tcc_node *n, const char *name);
int64_t tcc_node_attr_int(__tcc_keep const struct tcc_node *n, const char *name, int64_t dflt);
float tcc_node_attr_float(__tcc_keep const struct tcc_node *n, const char *name, float dflt);
/* NUL-terminated copy of a string attribute, or dflt. */
const char *tcc_node_attr_string(__tcc_keep const struct tcc_node *n, const char *name,
				 const char *dflt);
/* Returns the list and sets *count; NULL (and *count = -1) when absent. */
const int64_t *tcc_node_attr_ints(__tcc_keep const struct tcc_node *n, const char *name,
				  int64_t *count);
const float *tcc_node_attr_floats(__tcc_keep const struct tcc_node *n, const char *name,
				  int64_t *count);
/* Copy an attribute (deep for tensors and types, shallow for graphs) into node n. */
tcc_stat tcc_node_copy_attr(__tcc_keep struct tcc_node *n, __tcc_keep const struct tcc_attr *a);

/* The constant tensor behind v: its initializer, or NULL. */
__tcc_keep struct tcc_tensor_data *tcc_value_const(__tcc_keep const struct tcc_value *v);
/* The node's input i, or NULL when absent/omitted. */
__tcc_keep struct tcc_value *tcc_node_input(__tcc_keep const struct tcc_node *n, int i);
int tcc_node_is(__tcc_keep const struct tcc_node *n, const char *op_type); /* ONNX domain only */

/* ---- types ---- */
void tcc_type_set_tensor(__tcc_keep struct tcc_ctx *ctx, struct tcc_type *t, int elem,
			 int32_t rank, __tcc_null const int64_t *dims);
tcc_stat tcc_type_copy(__tcc_keep struct tcc_ctx *ctx, struct tcc_type *dst,
		       const struct tcc_type *src);
int tcc_type_equal(const struct tcc_type *a, const struct tcc_type *b);
/* A tensor type whose every dim is known. */
int tcc_type_is_static(const struct tcc_type *t);
/* Element count of a static tensor type, -1 otherwise. */
int64_t tcc_type_numel(const struct tcc_type *t);

/* The location used for diagnostics about node n / value v / graph g. */
struct tcc_loc tcc_node_loc(__tcc_keep const struct tcc_node *n);

#endif
