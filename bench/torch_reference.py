"""Times the PyTorch reference's ResNet-32 (16-32-64, option-A shortcuts) training step at batch 64 on CPU,
the workload of bench/step.ts `resnet32-train-b64`, and prints one JSON line like it. Run by `pnpm bench` only when
`/usr/bin/python3 -c 'import torch'` works (Debian: apt-get install python3-torch)."""
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.pad = (cout - cin) // 2 if (stride != 1 or cin != cout) else None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.pad is not None:
            shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(out + shortcut)


class ResNet32(nn.Module):
    def __init__(self, classes=10, widths=(16, 32, 64), blocks=5):
        super().__init__()
        self.conv = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(widths[0])
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            for b in range(blocks):
                layers.append(Block(cin, w, 2 if (i > 0 and b == 0) else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        out = self.layers(F.relu(self.bn(self.conv(x))))
        return self.fc(F.adaptive_avg_pool2d(out, 1).flatten(1))


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    steps, warmup, batch = 10, 2, 64
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    model = ResNet32().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-3)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.arange(batch) % 10
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(json.dumps({
        'name': 'resnet32-train-b64',
        'backend': f'pytorch-{torch.__version__}',
        'threads': torch.get_num_threads(),
        'imagesPerSecond': batch / median,
        'medianStepMs': median * 1000,
        'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'steps': steps,
    }))


if __name__ == '__main__':
    main()
