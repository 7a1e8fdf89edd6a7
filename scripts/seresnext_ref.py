#!/usr/bin/python3
"""ppctl's PyTorch reference for the SE-ResNeXt family and fastai's head.

timm and fastai are not installable here, so this file re-states, in our own
code, the structure their state_dicts have (timm models/resnet.py and
layers/squeeze_excite.py; fastai vision/learner.py create_head and layers.py
LinBnDrop), so that checkpoints written by ppctl load here with
load_state_dict(strict=True) and the numbers the Go code computes can be
checked against PyTorch. Run it with Debian's torch (/usr/bin/python3).

Layout (what the names in a state_dict come from):
  stem     conv1 (7x7, or a Sequential 0,1,3,4,6 of 3x3 convs and BNs for the
           deep stems), bn1, ReLU, 3x3/2 max-pool
  layerK.B Bottleneck: conv1 1x1, bn1, conv2 3x3 grouped (stride here),
           bn2, conv3 1x1, bn3, se.fc1/se.fc2 (1x1 convs with bias),
           downsample.0/.1 (conv, bn) or .1/.2 after an average pool (d/t)
  fc       Linear(num_features, classes) when classes > 0
  head     fastai create_head as a flat Sequential: 0 concat pool, 1 flatten,
           2 BN1d, 3 Dropout, 4 Linear(no bias), 5 ReLU, 6 BN1d, 7 Dropout,
           8 Linear(no bias); a Dropout of p=0 is left out, as fastai does.

Commands (tensors travel as .pth files: torch.load of what ppctl's
torch/checkpoint writes, torch.save of a plain dict for ppctl to read):
  keys  --arch A [--classes N | --head N]      print "name shape" per entry
  count --arch A [--classes N]                  print the parameter count
  init  --arch A --seed S [--classes N | --head N] --out F.pth
                                                timm (+ fastai head) init
  check --arch A [--classes N | --head N] --state F.pth
                                                load_state_dict(strict=True)
  run   --arch A --head N --state F.pth --input F.pth --out F.pth [--ps P]
        train-mode forward + cross-entropy backward, then eval forward;
        writes features, logits, loss, gradients and updated buffers.
  --threads N sets torch's intra-op threads (default 1: the golden values
  then do not depend on the machine's core count).
"""
import argparse
import math
import sys

import torch
import torch.nn as nn


# ---------------------------------------------------------------- variants

VARIANTS = {
    # name: layers, planes per stage, cardinality, base width, stem type,
    # stem width, average-pool downsampling
    "seresnext50_32x4d": dict(layers=(3, 4, 6, 3), channels=(64, 128, 256, 512), cardinality=32,
                              base_width=4, stem="plain", stem_width=64, avg_down=False),
    "seresnext26d_32x4d": dict(layers=(2, 2, 2, 2), channels=(64, 128, 256, 512), cardinality=32,
                               base_width=4, stem="deep", stem_width=32, avg_down=True),
    "seresnext26t_32x4d": dict(layers=(2, 2, 2, 2), channels=(64, 128, 256, 512), cardinality=32,
                               base_width=4, stem="deep_tiered", stem_width=32, avg_down=True),
    "seresnext_tiny": dict(layers=(1, 2, 1, 1), channels=(8, 16, 32, 64), cardinality=4,
                           base_width=32, stem="deep", stem_width=8, avg_down=True),
}


def make_divisible(v, divisor=8, min_value=None, round_limit=0.0):
    """Rounds v to the nearest multiple of divisor (half up), at least
    min_value (default: divisor); timm's SE uses round_limit 0."""
    min_value = min_value or divisor
    out = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if out < round_limit * v:
        out += divisor
    return out


# ------------------------------------------------------------------ layers

class SqueezeExcite(nn.Module):
    """Channel gate: mean over H,W -> 1x1 conv down -> ReLU -> 1x1 conv up ->
    sigmoid, multiplied into the input."""

    def __init__(self, channels, rd_ratio=1 / 16, rd_divisor=8):
        super().__init__()
        rd = make_divisible(channels * rd_ratio, rd_divisor)
        self.fc1 = nn.Conv2d(channels, rd, 1, bias=True)
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(rd, channels, 1, bias=True)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        s = self.fc2(self.act(self.fc1(s)))
        return x * torch.sigmoid(s)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride, downsample, cardinality, base_width):
        super().__init__()
        width = int(math.floor(planes * (base_width / 64)) * cardinality)
        out = planes * self.expansion
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, groups=cardinality, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.se = SqueezeExcite(out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.se(self.bn3(self.conv3(y)))
        return self.relu(y + shortcut)


def downsample(inplanes, out, stride, avg):
    if not avg:
        return nn.Sequential(nn.Conv2d(inplanes, out, 1, stride=stride, bias=False), nn.BatchNorm2d(out))
    pool = nn.Identity() if stride == 1 else nn.AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False)
    return nn.Sequential(pool, nn.Conv2d(inplanes, out, 1, bias=False), nn.BatchNorm2d(out))


class SEResNeXt(nn.Module):
    def __init__(self, layers, channels, cardinality, base_width, stem, stem_width, avg_down, classes=0):
        super().__init__()
        if stem == "plain":
            inplanes = 64
            self.conv1 = nn.Conv2d(3, inplanes, 7, stride=2, padding=3, bias=False)
        else:
            inplanes = stem_width * 2
            c0 = 3 * (stem_width // 4) if stem == "deep_tiered" else stem_width
            self.conv1 = nn.Sequential(
                nn.Conv2d(3, c0, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(c0), nn.ReLU(inplace=True),
                nn.Conv2d(c0, stem_width, 3, padding=1, bias=False), nn.BatchNorm2d(stem_width),
                nn.ReLU(inplace=True),
                nn.Conv2d(stem_width, inplanes, 3, padding=1, bias=False))
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.act1 = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, padding=1)
        for i, (n, planes) in enumerate(zip(layers, channels)):
            stride = 1 if i == 0 else 2
            out = planes * Bottleneck.expansion
            ds = None
            if stride != 1 or inplanes != out:
                ds = downsample(inplanes, out, stride, avg_down)
            blocks = []
            for b in range(n):
                blocks.append(Bottleneck(inplanes, planes, stride if b == 0 else 1, ds if b == 0 else None,
                                         cardinality, base_width))
                inplanes = out
            self.add_module(f"layer{i + 1}", nn.Sequential(*blocks))
        self.num_features = inplanes
        self.fc = nn.Linear(inplanes, classes) if classes else None
        self.init_timm()  # timm initialises inside the constructor

    def init_timm(self):
        """timm's init_weights: Kaiming-normal (fan_out, relu) conv weights in
        module order, then the last BN of every bottleneck zeroed."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        for m in self.modules():
            if isinstance(m, Bottleneck):
                nn.init.zeros_(m.bn3.weight)

    def forward_features(self, x):
        x = self.maxpool(self.act1(self.bn1(self.conv1(x))))
        for i in range(4):
            x = getattr(self, f"layer{i + 1}")(x)
        return x

    def forward(self, x):
        x = self.forward_features(x)
        if self.fc is None:
            return x
        return self.fc(x.mean((2, 3)))


class ConcatPool(nn.Module):
    """fastai AdaptiveConcatPool2d: global max, then global mean, on dim 1."""

    def forward(self, x):
        return torch.cat([torch.amax(x, (2, 3), keepdim=True), x.mean((2, 3), keepdim=True)], 1)


class Flatten(nn.Module):
    def forward(self, x):
        return x.view(x.size(0), -1)


def fastai_bn1d(n):
    bn = nn.BatchNorm1d(n)
    bn.weight.data.fill_(1.0)
    bn.bias.data.fill_(1e-3)
    return bn


def create_head(nf, n_out, lin_ftrs=None, ps=0.5):
    """fastai create_head(nf, n_out) with concat pooling (so 2*nf inputs):
    per linear block BN1d -> Dropout (left out when p == 0) -> Linear(no bias)
    -> ReLU (not after the last), flattened into one Sequential."""
    ftrs = [2 * nf] + (lin_ftrs or [512]) + [n_out]
    ps = list(ps) if isinstance(ps, (list, tuple)) else [ps]
    if len(ps) == 1:
        ps = [ps[0] / 2] * (len(ftrs) - 2) + ps
    layers = [ConcatPool(), Flatten()]
    for i, (ni, no, p) in enumerate(zip(ftrs[:-1], ftrs[1:], ps)):
        layers.append(fastai_bn1d(ni))
        if p != 0:
            layers.append(nn.Dropout(p))
        layers.append(nn.Linear(ni, no, bias=False))
        if i < len(ftrs) - 2:
            layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def init_head(head):
    """fastai apply_init(head, kaiming_normal_): every non-norm layer with a
    weight gets kaiming_normal_ (fan_in, gain sqrt 2) and a zero bias."""
    for m in head.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class Classifier(nn.Module):
    def __init__(self, encoder, head):
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, x):
        return self.head(self.encoder.forward_features(x))


def build(arch, classes=0, head=0, ps=0.5):
    """The body (timm num_classes=0), a timm classifier (classes > 0) or
    encoder + fastai head (head > 0), constructed and initialised in the
    order timm and fastai use: body, timm init, head, fastai head init."""
    if arch not in VARIANTS:
        sys.exit(f"unknown arch {arch}; known: {', '.join(VARIANTS)}")
    body = SEResNeXt(**VARIANTS[arch], classes=classes)
    if not head:
        return body
    h = create_head(body.num_features, head, ps=ps)
    init_head(h)  # fastai's create_cnn_model: apply_init(head, kaiming_normal_)
    return Classifier(body, h)


# ---------------------------------------------------------------- commands

def run(model, x, labels):
    """One train-mode forward/backward (no optimizer step), then an eval
    forward: what the Go golden tests compare."""
    enc = model.encoder
    model.train()
    feats = enc.forward_features(x)
    logits = model.head(feats)
    onehot = torch.nn.functional.one_hot(labels, logits.shape[1]).float()
    loss = -(onehot * torch.log_softmax(logits, 1)).sum(1).mean()
    loss.backward()
    out = {"train.features": feats, "train.logits": logits, "train.loss": loss.reshape(1)}
    for n, p in model.named_parameters():
        out["grad." + n] = p.grad
    for n, b in model.named_buffers():
        out["buffer." + n] = b
    model.eval()
    with torch.no_grad():
        feats = enc.forward_features(x)
        out["eval.features"] = feats
        out["eval.logits"] = model.head(feats)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["keys", "count", "init", "check", "run"])
    ap.add_argument("--arch", required=True)
    ap.add_argument("--classes", type=int, default=0)
    ap.add_argument("--head", type=int, default=0)
    ap.add_argument("--ps", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--state")
    ap.add_argument("--input")
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.command == "init":
        torch.manual_seed(a.seed)
    model = build(a.arch, a.classes, a.head, a.ps)
    if a.command == "keys":
        for n, t in model.state_dict().items():
            print(n, "x".join(str(s) for s in t.shape) or "scalar")
    elif a.command == "count":
        print(sum(p.numel() for p in model.parameters()))
    elif a.command == "init":
        torch.save(dict(model.state_dict()), a.out)
    elif a.command == "check":
        model.load_state_dict(torch.load(a.state), strict=True)
        print("ok", len(model.state_dict()), "entries")
    elif a.command == "run":
        model.load_state_dict(torch.load(a.state), strict=True)
        inp = torch.load(a.input)
        out = run(model, inp["x"], inp["labels"])
        torch.save({k: v.detach().contiguous() for k, v in out.items()}, a.out)


if __name__ == "__main__":
    main()
