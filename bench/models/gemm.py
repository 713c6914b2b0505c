"""GEMM models: one MatMul Y[M,N] = A[M,K] @ B[K,N], A and B graph inputs, ONNX opset 13.
Written with the onnx module (python3-onnx)."""
import os

import onnx
from onnx import TensorProto, helper

from common import manifest, out_dir

SHAPES = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
          (1, 4096, 4096), (128, 768, 3072), (3136, 64, 576), (196, 1024, 256)]


def main():
    d = out_dir()
    rows = []
    for m, n, k in SHAPES:
        name = "gemm_%dx%dx%d" % (m, n, k)
        g = helper.make_graph(
            [helper.make_node("MatMul", ["A", "B"], ["Y"])], name,
            [helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k]),
             helper.make_tensor_value_info("B", TensorProto.FLOAT, [k, n])],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])])
        model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(d, name + ".onnx"))
        rows.append((name, name + ".onnx", "GEMM %dx%dx%d" % (m, n, k), 2 * m * n * k))
    manifest(d, "gemm", rows)


if __name__ == "__main__":
    main()
