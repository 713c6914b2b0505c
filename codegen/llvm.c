/* The LLVM module of a compilation: target machine (host by default), types, attributes,
 * optimization (LLVMRunPasses) and output (.ll, .s, .o). Every LLVM error message is copied
 * into a diagnostic and then given back with LLVMDisposeMessage. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "codegen/llvm_private.h"

static const struct tcc_loc no_loc = { .file = "<codegen>" };

static pthread_once_t targets_once = PTHREAD_ONCE_INIT;
/* Modules of one compile are optimized and written in parallel (codegen/compile.c) and
 * share the diagnostic sink: the errors of this file are reported under this lock. */
static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;

static void init_targets(void)
{
	LLVMInitializeAllTargetInfos();
	LLVMInitializeAllTargets();
	LLVMInitializeAllTargetMCs();
	LLVMInitializeAllAsmPrinters();
	LLVMInitializeAllAsmParsers();
}

tcc_stat tcc_llvm_error_msg(__tcc_keep struct tcc_llvm *cg, struct tcc_loc loc, const char *what,
			    __tcc_take __tcc_null char *msg)
{
	size_t n = msg ? strlen(msg) : 0;

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	pthread_mutex_lock(&diag_lock);
	tcc_diag_error(cg->ctx->diag, loc, "%s%s%.*s", what, msg ? ": " : "", (int)n,
		       msg ? msg : "");
	pthread_mutex_unlock(&diag_lock);
	if (msg)
		LLVMDisposeMessage(msg);
	return -1;
}

static tcc_stat error_ref(struct tcc_llvm *cg, const char *what, LLVMErrorRef err)
{
	char *msg = LLVMGetErrorMessage(err);

	pthread_mutex_lock(&diag_lock);
	tcc_diag_error(cg->ctx->diag, no_loc, "%s: %s", what, msg ? msg : "?");
	pthread_mutex_unlock(&diag_lock);
	LLVMDisposeErrorMessage(msg);
	return -1;
}

/* A malloc'ed copy of "s", or of the LLVM message "m" (then disposed) when "s" is NULL. */
static char *pick_str(const char *s, char *m)
{
	char *r = strdup(s ? s : m ? m : "");

	if (m)
		LLVMDisposeMessage(m);
	return r;
}

static LLVMCodeGenOptLevel cg_opt_level(int level)
{
	switch (level) {
	case 0:
		return LLVMCodeGenLevelNone;
	case 1:
		return LLVMCodeGenLevelLess;
	case 2:
		return LLVMCodeGenLevelDefault;
	default:
		return LLVMCodeGenLevelAggressive;
	}
}

static tcc_stat make_target(struct tcc_llvm *cg, const struct tcc_target_opts *t)
{
	LLVMTargetRef target;
	char *err = NULL;
	int host = !t || !t->triple;

	cg->triple = host ? pick_str(NULL, LLVMGetDefaultTargetTriple()) : strdup(t->triple);
	if (t && t->cpu)
		cg->cpu = strdup(t->cpu);
	else
		cg->cpu = host ? pick_str(NULL, LLVMGetHostCPUName()) : strdup("generic");
	if (t && t->features)
		cg->features = strdup(t->features);
	else
		cg->features = host ? pick_str(NULL, LLVMGetHostCPUFeatures()) : strdup("");
	if (!cg->triple || !cg->cpu || !cg->features)
		return tcc_ctx_oom(cg->ctx, no_loc);
	if (LLVMGetTargetFromTriple(cg->triple, &target, &err))
		return tcc_llvm_error_msg(cg, no_loc, "unknown target triple", err);
	cg->tm = LLVMCreateTargetMachine(target, cg->triple, cg->cpu, cg->features,
					 cg_opt_level(cg->opt_level), LLVMRelocPIC,
					 LLVMCodeModelDefault);
	if (!cg->tm) {
		tcc_diag_error(cg->ctx->diag, no_loc, "cannot create a target machine for '%s'",
			       cg->triple);
		return -1;
	}
	cg->td = LLVMCreateTargetDataLayout(cg->tm);
	LLVMSetTarget(cg->mod, cg->triple);
	LLVMSetModuleDataLayout(cg->mod, cg->td);
	return 0;
}

__tcc_give struct tcc_llvm *tcc_llvm_new(__tcc_keep struct tcc_ctx *ctx, const char *module_name,
					 __tcc_null const struct tcc_target_opts *t)
{
	struct tcc_llvm *cg = calloc(1, sizeof(*cg));

	if (!cg) {
		tcc_ctx_oom(ctx, no_loc);
		return NULL;
	}
	pthread_once(&targets_once, init_targets);
	cg->ctx = ctx;
	cg->opt_level = t ? t->opt_level : 3;
	if (cg->opt_level < 0 || cg->opt_level > 3)
		cg->opt_level = 3;
	cg->lctx = LLVMContextCreate();
	cg->mod = LLVMModuleCreateWithNameInContext(module_name ? module_name : "tcc", cg->lctx);
	cg->b = LLVMCreateBuilderInContext(cg->lctx);
	cg->t_void = LLVMVoidTypeInContext(cg->lctx);
	cg->t_i1 = LLVMInt1TypeInContext(cg->lctx);
	cg->t_i8 = LLVMInt8TypeInContext(cg->lctx);
	cg->t_i32 = LLVMInt32TypeInContext(cg->lctx);
	cg->t_i64 = LLVMInt64TypeInContext(cg->lctx);
	cg->t_ptr = LLVMPointerTypeInContext(cg->lctx, 0);
	if (make_target(cg, t) < 0) {
		tcc_llvm_free(cg);
		return NULL;
	}
	return cg;
}

void tcc_llvm_set_ctx(__tcc_keep struct tcc_llvm *cg, __tcc_keep struct tcc_ctx *ctx)
{
	cg->ctx = ctx;
}

void tcc_llvm_free(__tcc_take __tcc_null struct tcc_llvm *cg)
{
	if (!cg)
		return;
	if (cg->td)
		LLVMDisposeTargetData(cg->td);
	if (cg->tm)
		LLVMDisposeTargetMachine(cg->tm);
	if (cg->b)
		LLVMDisposeBuilder(cg->b);
	if (cg->mod)
		LLVMDisposeModule(cg->mod);
	if (cg->lctx)
		LLVMContextDispose(cg->lctx);
	free(cg->triple);
	free(cg->cpu);
	free(cg->features);
	free(cg);
}

/* ---- types and attributes ---- */

int64_t tcc_llvm_dtype_size(int dtype)
{
	switch (dtype) {
	case TCC_DT_BOOL:
	case TCC_DT_INT8:
	case TCC_DT_UINT8:
	case TCC_DT_FLOAT8E4M3FN:
	case TCC_DT_FLOAT8E4M3FNUZ:
	case TCC_DT_FLOAT8E5M2:
	case TCC_DT_FLOAT8E5M2FNUZ:
	case TCC_DT_FLOAT8E8M0:
		return 1;
	case TCC_DT_INT16:
	case TCC_DT_UINT16:
	case TCC_DT_FLOAT16:
	case TCC_DT_BFLOAT16:
		return 2;
	case TCC_DT_INT32:
	case TCC_DT_UINT32:
	case TCC_DT_FLOAT:
		return 4;
	case TCC_DT_INT64:
	case TCC_DT_UINT64:
	case TCC_DT_DOUBLE:
		return 8;
	default:
		return -1;
	}
}

LLVMTypeRef tcc_llvm_dtype(__tcc_keep struct tcc_llvm *cg, int dtype, struct tcc_loc loc)
{
	switch (dtype) {
	case TCC_DT_FLOAT:
		return LLVMFloatTypeInContext(cg->lctx);
	case TCC_DT_DOUBLE:
		return LLVMDoubleTypeInContext(cg->lctx);
	case TCC_DT_FLOAT16:
		return LLVMHalfTypeInContext(cg->lctx);
	case TCC_DT_BFLOAT16:
		return LLVMBFloatTypeInContext(cg->lctx);
	default:
		break;
	}
	if (tcc_llvm_is_subbyte(dtype))
		return cg->t_i8;
	if (tcc_llvm_dtype_size(dtype) > 0)
		return LLVMIntTypeInContext(cg->lctx, 8 * (unsigned)tcc_llvm_dtype_size(dtype));
	tcc_diag_error(cg->ctx->diag, loc, "codegen does not support dtype '%s'",
		       tcc_dtype_name(dtype) ? tcc_dtype_name(dtype) : "?");
	return NULL;
}

/* Half and bfloat compute in float: they are widened on load and narrowed on store. */
LLVMTypeRef tcc_llvm_reg_type(__tcc_keep struct tcc_llvm *cg, int dtype, struct tcc_loc loc)
{
	if (dtype == TCC_DT_BOOL)
		return cg->t_i1;
	if (dtype == TCC_DT_FLOAT16 || dtype == TCC_DT_BFLOAT16)
		return LLVMFloatTypeInContext(cg->lctx);
	return tcc_llvm_dtype(cg, dtype, loc);
}

static void add_str_attr(struct tcc_llvm *cg, LLVMValueRef fn, const char *k, const char *v)
{
	LLVMAttributeRef a = LLVMCreateStringAttribute(cg->lctx, k, (unsigned)strlen(k), v,
						       (unsigned)strlen(v));

	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, a);
}

void tcc_llvm_set_fn_attrs(__tcc_keep struct tcc_llvm *cg, LLVMValueRef fn)
{
	unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);

	add_str_attr(cg, fn, "target-cpu", cg->cpu);
	if (cg->features[0])
		add_str_attr(cg, fn, "target-features", cg->features);
	add_str_attr(cg, fn, "frame-pointer", "none");
	if (tcc_llvm_vector_bytes(cg) == 64) {
		add_str_attr(cg, fn, "prefer-vector-width", "512");
		add_str_attr(cg, fn, "min-legal-vector-width", "512");
	}
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(cg->lctx, nounwind, 0));
}

/* 1 when the comma-separated "features" enable "+f" (exactly that name). */
static int has_feature(const char *features, const char *f)
{
	size_t n = strlen(f);

	for (const char *p = features; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, f, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

int tcc_llvm_vector_bytes(__tcc_keep struct tcc_llvm *cg)
{
	if (has_feature(cg->features, "+avx512f"))
		return 64;
	if (has_feature(cg->features, "+avx"))
		return 32;
	return 16;
}

LLVMValueRef tcc_llvm_contract(LLVMValueRef v)
{
	if (v && LLVMIsAInstruction(v) && LLVMCanValueUseFastMathFlags(v))
		LLVMSetFastMathFlags(v, LLVMGetFastMathFlags(v) | LLVMFastMathAllowContract);
	return v;
}

/* ---- verify, optimize, write ---- */

int64_t tcc_llvm_size(__tcc_keep struct tcc_llvm *cg)
{
	int64_t n = 0;

	for (LLVMValueRef f = LLVMGetFirstFunction(cg->mod); f; f = LLVMGetNextFunction(f))
		for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
			for (LLVMValueRef i = LLVMGetFirstInstruction(b); i;
			     i = LLVMGetNextInstruction(i))
				n++;
	return n;
}

tcc_stat tcc_llvm_verify(__tcc_keep struct tcc_llvm *cg)
{
	char *msg = NULL;

	if (LLVMVerifyModule(cg->mod, LLVMReturnStatusAction, &msg))
		return tcc_llvm_error_msg(cg, no_loc, "invalid LLVM module", msg);
	if (msg)
		LLVMDisposeMessage(msg);
	return 0;
}

tcc_stat tcc_llvm_optimize(__tcc_keep struct tcc_llvm *cg)
{
	LLVMPassBuilderOptionsRef opts;
	LLVMErrorRef err;
	char passes[32];

	if (tcc_llvm_verify(cg) < 0)
		return -1;
	snprintf(passes, sizeof(passes), "default<O%d>", cg->opt_level);
	opts = LLVMCreatePassBuilderOptions();
	LLVMPassBuilderOptionsSetLoopVectorization(opts, cg->opt_level >= 2);
	LLVMPassBuilderOptionsSetSLPVectorization(opts, cg->opt_level >= 2);
	LLVMPassBuilderOptionsSetLoopInterleaving(opts, cg->opt_level >= 2);
	LLVMPassBuilderOptionsSetLoopUnrolling(opts, cg->opt_level >= 2);
	err = LLVMRunPasses(cg->mod, passes, cg->tm, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (err)
		return error_ref(cg, "LLVM optimization failed", err);
	return 0;
}

tcc_stat tcc_llvm_write_ir(__tcc_keep struct tcc_llvm *cg, const char *path)
{
	char *err = NULL;

	if (LLVMPrintModuleToFile(cg->mod, path, &err))
		return tcc_llvm_error_msg(cg, (struct tcc_loc){ .file = path },
					  "cannot write LLVM IR", err);
	return 0;
}

static tcc_stat emit(struct tcc_llvm *cg, const char *path, LLVMCodeGenFileType type)
{
	char *err = NULL;
	char *p = strdup(path);
	LLVMBool bad;

	if (!p)
		return tcc_llvm_error_msg(cg, no_loc, "out of memory", NULL);
	/* The emitter runs its own passes over the module: make sure it is well formed. */
	if (tcc_llvm_verify(cg) < 0) {
		free(p);
		return -1;
	}
	bad = LLVMTargetMachineEmitToFile(cg->tm, cg->mod, p, type, &err);
	free(p);
	if (bad)
		return tcc_llvm_error_msg(cg, (struct tcc_loc){ .file = path },
					  type == LLVMAssemblyFile ? "cannot write assembly" :
					  "cannot write the object file", err);
	if (err)
		LLVMDisposeMessage(err);
	return 0;
}

tcc_stat tcc_llvm_write_asm(__tcc_keep struct tcc_llvm *cg, const char *path)
{
	return emit(cg, path, LLVMAssemblyFile);
}

tcc_stat tcc_llvm_write_object(__tcc_keep struct tcc_llvm *cg, const char *path)
{
	return emit(cg, path, LLVMObjectFile);
}
