"""Times a PyTorch reference training step on CPU and prints one JSON line like bench/step.ts: by default the
ResNet-32 (16-32-64, option-A shortcuts) at batch 64 (`resnet32-train-b64`); with a second argument
`resnext50-train-b8-112` / `resnext50-train-b4-224`, ResNeXt-50 32x4d (1,000 classes) at batch 8 / 4; with
`resnet32-eval-b128`, the ResNet-32's evaluation forward (eval mode, no autograd) at batch 128; the GPU table's
workloads (`resnet32-train-b512`, `resnet32-eval-b1000`, `resnet32wide-train-b128`, `resnet50-train-b32-224`) too.
Usage: torch_reference.py [threads] [workload] [cpu|cuda]. Run by `pnpm bench` only when
`/usr/bin/python3 -c 'import torch'` works (Debian: apt-get install python3-torch; torchvision is not needed, the nets
are built here), and by `pnpm bench --backend webgpu` with `cuda` where torch has CUDA."""
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


class Bottleneck(nn.Module):
    """torchvision's bottleneck with grouped 3x3 conv (stride on the 3x3), projection shortcut when shapes change."""

    def __init__(self, cin, planes, stride, groups=32, width_per_group=4):
        super().__init__()
        width = int(planes * width_per_group / 64) * groups
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=groups, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or cin != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes * 4, 1, stride, bias=False), nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNeXt50(nn.Module):
    def __init__(self, classes=1000, groups=32, width_per_group=4):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        layers, cin = [], 64
        for stage, blocks in enumerate([3, 4, 6, 3]):
            planes = 64 * 2 ** stage
            for b in range(blocks):
                layers.append(Bottleneck(cin, planes, 2 if (stage > 0 and b == 0) else 1, groups, width_per_group))
                cin = planes * 4
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        out = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        return self.fc(F.adaptive_avg_pool2d(self.layers(out), 1).flatten(1))


def resnet32_wide(classes):
    return ResNet32(classes, widths=(64, 128, 256))


def resnet50(classes):
    return ResNeXt50(classes, groups=1, width_per_group=64)


WORKLOADS = {
    # name: (model, batch, classes, image side, steps, warm-up, train)
    'resnet32-train-b64': (ResNet32, 64, 10, 32, 10, 2, True),
    'resnet32-train-b512': (ResNet32, 512, 10, 32, 10, 3, True),
    'resnet32-eval-b1000': (ResNet32, 1000, 10, 32, 10, 3, False),
    'resnet32wide-train-b128': (resnet32_wide, 128, 10, 32, 10, 3, True),
    'resnet50-train-b32-224': (resnet50, 32, 1000, 224, 10, 3, True),
    'resnet32-eval-b128': (ResNet32, 128, 10, 32, 10, 2, False),
    'resnext50-train-b8-112': (ResNeXt50, 8, 1000, 112, 3, 1, True),
    'resnext50-train-b4-224': (ResNeXt50, 4, 1000, 224, 3, 1, True),
}


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    name = sys.argv[2] if len(sys.argv) > 2 else 'resnet32-train-b64'
    device = torch.device(sys.argv[3] if len(sys.argv) > 3 else 'cpu')
    make, batch, classes, side, steps, warmup, train = WORKLOADS[name]
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    model = make(classes).train(train).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-3)
    x = torch.randn(batch, 3, side, side, device=device)
    y = torch.arange(batch, device=device) % classes
    # CUDA runs asynchronously: a step has ended when the device has finished it.
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
    times = []
    for i in range(warmup + steps):
        start = time.perf_counter()
        if train:
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        else:
            with torch.no_grad():
                model(x).sum().item()
        sync()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(json.dumps({
        'name': name,
        'backend': f'pytorch-{torch.__version__}' + ('-cuda' if device.type == 'cuda' else ''),
        'threads': torch.get_num_threads(),
        'imagesPerSecond': batch / median,
        'medianStepMs': median * 1000,
        'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'steps': steps,
    }))


if __name__ == '__main__':
    main()
