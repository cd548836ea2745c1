"""PyTorch's side of benchmarks/engine-vs-pytorch.sh: one training step of the same model, timed.

The counterpart of org.twintrain.tools.StepBench: the same models (ResNet-20 in He et al.'s CIFAR form with
option-A shortcuts, 269,722 parameters; the SecureML network 784-128-128-10 with ReLU), SGD with momentum 0.9,
cross-entropy on one fixed batch of random data, no augmentation. Prints every step time and a last line
"RESULT ... median_ms=M images_per_s=I" in StepBench's format.

Usage: /usr/bin/python3 engine_vs_pytorch.py resnet20|secureml float32|float64 BATCH STEPS THREADS
"""
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """Basic residual block; option A shortcut (stride-2 subsampling, zero-padded channels) where shapes change."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.pad = cout - cin
        self.stride = stride

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        short = x
        if self.stride != 1 or self.pad:
            short = F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
        return F.relu(out + short)


class ResNet20(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            for i in range(3):
                layers.append(Block(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    model_name, dtype_name, batch, steps, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    dtype = {"float32": torch.float32, "float64": torch.float64}[dtype_name]
    if model_name == "resnet20":
        model, shape = ResNet20(), (3, 32, 32)
    elif model_name == "secureml":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
        shape = (1, 28, 28)
    else:
        raise SystemExit("model must be resnet20 or secureml")
    model = model.to(dtype).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, *shape, dtype=dtype)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(max(3, steps // 4)):
        step()
    ms = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(ms)
    params = sum(p.numel() for p in model.parameters())
    print("step ms:", [round(v, 2) for v in ms])
    print(f"RESULT engine=pytorch-{torch.__version__} model={model_name} backend={dtype_name} batch={batch} "
          f"threads={threads} params={params} median_ms={median:.3f} images_per_s={batch / median * 1000:.1f}")


if __name__ == "__main__":
    main()
