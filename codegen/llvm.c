/* PLACEHOLDER: being written. */
#include "codegen/codegen.h"
