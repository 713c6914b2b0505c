"""Shared helpers for the bench model generators (run with /usr/bin/python3: Debian's torch)."""
import os
import sys

import torch

SEED = 1234


def out_dir():
    """bench/.work/models, or the folder given as the first argument."""
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".work", "models")
    os.makedirs(d, exist_ok=True)
    return d


def export(model, args, path, opset, input_names, output_names):
    """torch.onnx.export in eval mode, static shapes, constants folded (BatchNorm into Conv)."""
    model.eval()
    tmp = path + ".tmp"
    with torch.no_grad():
        torch.onnx.export(model, args, tmp, opset_version=opset, do_constant_folding=True,
                          input_names=input_names, output_names=output_names,
                          training=torch.onnx.TrainingMode.EVAL)
    os.replace(tmp, path)


def manifest(d, name, rows):
    """Write d/NAME.tsv: one line per model: id, file, label, flop count (multiply-add = 2)."""
    with open(os.path.join(d, name + ".tsv"), "w") as f:
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")
