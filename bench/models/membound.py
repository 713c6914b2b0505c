"""Memory-bound kernels, one small graph each (onnx.helper), sized like bench/triad.c's arrays
(tens of MiB per tensor, well past L2): an elementwise Add + Relu, Softmax over the last axis
of attention scores, LayerNormalization over d = 768, and GELU (the erf form BERT exports:
x * 0.5 * (1 + erf(x / sqrt 2))) over FFN activations [N, 3072].

The manifest's fourth column is the bytes an ideal kernel moves: every input read once and
every output written once (float32), weights included; bench/run.sh divides it by the median
time for the effective GB/s and compares that with STREAM triad's."""
import math
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from common import SEED, manifest, out_dir

FLOAT = TensorProto.FLOAT


def save(d, name, nodes, inputs, outputs, inits=(), opset=17):
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info(n, FLOAT, s) for n, s in inputs],
                          [helper.make_tensor_value_info(n, FLOAT, s) for n, s in outputs],
                          initializer=list(inits))
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(d, name + ".onnx"))


def numel(shape):
    return int(np.prod(shape))


def main():
    d = out_dir()
    rng = np.random.default_rng(SEED)
    rows = []

    # Add + Relu: two 64 MiB inputs, one output (as triad's three 64 MiB arrays).
    s = [4096, 4096]
    save(d, "mb_add_relu", [helper.make_node("Add", ["A", "B"], ["S"]),
                            helper.make_node("Relu", ["S"], ["Y"])],
         [("A", s), ("B", s)], [("Y", s)])
    rows.append(("mb_add_relu", "mb_add_relu.onnx", "Add+Relu [4096,4096]", 3 * 4 * numel(s)))

    # Softmax over the keys of attention scores [batch 64, 12 heads, 128, 128]: 48 MiB.
    s = [64, 12, 128, 128]
    save(d, "mb_softmax", [helper.make_node("Softmax", ["X"], ["Y"], axis=-1)],
         [("X", s)], [("Y", s)], opset=13)
    rows.append(("mb_softmax", "mb_softmax.onnx", "Softmax [64,12,128,128] axis -1",
                 2 * 4 * numel(s)))

    # LayerNormalization over d = 768 of [16384, 768] (48 MiB), scale and bias initializers.
    s = [16384, 768]
    scale = numpy_helper.from_array(rng.uniform(0.5, 1.5, 768).astype(np.float32), "scale")
    bias = numpy_helper.from_array(rng.uniform(-0.5, 0.5, 768).astype(np.float32), "bias")
    save(d, "mb_layernorm",
         [helper.make_node("LayerNormalization", ["X", "scale", "bias"], ["Y"], axis=-1,
                           epsilon=1e-5)],
         [("X", s)], [("Y", s)], [scale, bias])
    rows.append(("mb_layernorm", "mb_layernorm.onnx", "LayerNorm [16384,768]",
                 2 * 4 * numel(s) + 2 * 4 * 768))

    # GELU (erf form, as torch exports nn.GELU at opset 17) over [4096, 3072]: 48 MiB.
    s = [4096, 3072]
    consts = [numpy_helper.from_array(np.array(v, dtype=np.float32), n)
              for n, v in (("sqrt2", math.sqrt(2.0)), ("one", 1.0), ("half", 0.5))]
    save(d, "mb_gelu",
         [helper.make_node("Div", ["X", "sqrt2"], ["D"]),
          helper.make_node("Erf", ["D"], ["E"]),
          helper.make_node("Add", ["E", "one"], ["P"]),
          helper.make_node("Mul", ["X", "P"], ["M"]),
          helper.make_node("Mul", ["M", "half"], ["Y"])],
         [("X", s)], [("Y", s)], consts)
    rows.append(("mb_gelu", "mb_gelu.onnx", "GELU (erf) [4096,3072]", 2 * 4 * numel(s)))

    manifest(d, "membound", rows)


if __name__ == "__main__":
    main()
