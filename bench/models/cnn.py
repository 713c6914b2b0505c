"""ResNet-50 and MobileNetV2 (torchvision, random weights from a fixed seed) -> ONNX opset 13."""
import os

import torch
import torchvision

from common import SEED, export, manifest, out_dir


def conv_flops(model, x):
    """2 * multiply-adds of every Conv2d and Linear (what the GFLOP/s figures count)."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, torch.nn.Conv2d):
            k = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
            total[0] += 2 * out.numel() * k
        elif isinstance(m, torch.nn.Linear):
            total[0] += 2 * out.numel() * m.in_features

    hs = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(x)
    for h in hs:
        h.remove()
    return total[0]


def main():
    d = out_dir()
    rows = []
    for name, ctor, label in [("resnet50", torchvision.models.resnet50, "ResNet-50"),
                              ("mobilenet_v2", torchvision.models.mobilenet_v2, "MobileNetV2")]:
        torch.manual_seed(SEED)
        m = ctor(weights=None).eval()
        x = torch.randn(1, 3, 224, 224)
        path = os.path.join(d, name + ".onnx")
        flops = conv_flops(m, x)
        if not os.path.exists(path):
            export(m, (x,), path, 13, ["input"], ["output"])
        rows.append((name, name + ".onnx", label + " (1x3x224x224)", flops))
    manifest(d, "cnn", rows)


if __name__ == "__main__":
    main()
