"""A BERT-base-like encoder: 4 layers, d=768, 12 heads, FFN 3072, seq 128, batch 1 (no
embedding: the input is the [1,128,768] hidden state), post-LayerNorm, GELU, softmax attention.
Random weights from a fixed seed -> ONNX opset 17 (LayerNormalization is one op there)."""
import math
import os

import torch
from torch import nn

from common import SEED, export, manifest, out_dir

B, S, D, H, F, L = 1, 128, 768, 12, 3072, 4


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.f1, self.f2 = nn.Linear(D, F), nn.Linear(F, D)

    def heads(self, t):
        return t.reshape(B, S, H, D // H).transpose(1, 2)  # [B,H,S,64]

    def forward(self, x):
        q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(self.v(x))
        p = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(D // H), dim=-1)
        a = (p @ v).transpose(1, 2).reshape(B, S, D)
        x = self.ln1(x + self.o(a))
        return self.ln2(x + self.f2(nn.functional.gelu(self.f1(x))))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList(Layer() for _ in range(L))

    def forward(self, x):
        for l in self.layers:
            x = l(x)
        return x


def main():
    d = out_dir()
    torch.manual_seed(SEED)
    m = Encoder().eval()
    path = os.path.join(d, "bert_like.onnx")
    if not os.path.exists(path):
        export(m, (torch.randn(B, S, D),), path, 17, ["hidden"], ["output"])
    per_layer = 2 * S * D * (4 * D + 2 * F) + 2 * 2 * H * S * S * (D // H)
    manifest(d, "bert", [("bert_like", "bert_like.onnx",
                          "BERT-like encoder (4 layers, d768, seq 128)", L * per_layer)])


if __name__ == "__main__":
    main()
