"""Every distinct Conv2d layer of ResNet-50 (224x224, batch 1) as a one-Conv model: weights and
bias (BatchNorm folded into a conv gives one) as random initializers, ONNX opset 13."""
import os

import torch
import torchvision

from common import SEED, export, manifest, out_dir


def main():
    d = out_dir()
    torch.manual_seed(SEED)
    net = torchvision.models.resnet50(weights=None).eval()
    seen = {}

    def hook(m, inp, out):
        x = inp[0]
        key = (m.in_channels, m.out_channels, m.kernel_size[0], m.stride[0], m.padding[0],
               m.groups, x.shape[2], x.shape[3])
        if key not in seen:
            seen[key] = (tuple(x.shape), tuple(out.shape))

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    with torch.no_grad():
        net(torch.randn(1, 3, 224, 224))
    for h in hs:
        h.remove()

    rows = []
    for i, (key, (ishape, oshape)) in enumerate(seen.items()):
        cin, cout, k, s, p, g, hh, ww = key
        torch.manual_seed(SEED + i)
        conv = torch.nn.Conv2d(cin, cout, k, stride=s, padding=p, groups=g, bias=True)
        name = "conv%02d_%dx%d_c%d_f%d_k%d_s%d" % (i, hh, ww, cin, cout, k, s)
        path = os.path.join(d, name + ".onnx")
        if not os.path.exists(path):
            export(conv, (torch.randn(*ishape),), path, 13, ["x"], ["y"])
        flops = 2 * oshape[1] * oshape[2] * oshape[3] * (cin // g) * k * k
        label = "conv %dx%d %d->%d k%d s%d" % (hh, ww, cin, cout, k, s)
        rows.append((name, name + ".onnx", label, flops))
    manifest(d, "convs", rows)


if __name__ == "__main__":
    main()
