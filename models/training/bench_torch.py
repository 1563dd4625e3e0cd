"""PyTorch side of bench/model.bench.ts: batch-1 CPU latency of the same network (ExportWrapper:
logits + probabilities + ood + cam). Prints one JSON object on stdout.

Uses the trained run of --model if present; otherwise a seeded, randomly initialised network of the same
architecture (dense CPU convolutions cost the same whatever the weight values).
"""
import argparse
import json
import os
import statistics
import time

import torch

from common import RUN_DIR
from model import CxrNet, CxrNetV2, ExportWrapper, ExportWrapperV2

HERE = os.path.dirname(os.path.abspath(__file__))


def v1_wrapper():
    if os.path.exists(os.path.join(RUN_DIR, "calibration.json")):
        from features import load_wrapper

        return load_wrapper(), "trained"
    torch.manual_seed(0)
    net = CxrNet().eval()
    return ExportWrapper(net, 1.0, torch.zeros(3, net.feature_dim), torch.eye(net.feature_dim)), "random-init"


def v2_wrapper():
    run_dir = os.path.join(HERE, "runs", "cxr-tri-v2")
    if os.path.exists(os.path.join(run_dir, "calibration.json")):
        from features_v2 import load_wrapper

        return load_wrapper(run_dir), "trained"
    torch.manual_seed(0)
    net = CxrNetV2().eval()
    c = net.feature_dim
    return ExportWrapperV2(net, 1.0, torch.zeros(3, c), torch.eye(c), 1.0, 0.5), "random-init"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model", default="cxr-tri-v2", choices=["cxr-tri-v1", "cxr-tri-v2"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    wrapper, weights = v2_wrapper() if args.model == "cxr-tri-v2" else v1_wrapper()
    x = torch.randn(1, 1, 224, 224)
    times = []
    with torch.no_grad():
        for i in range(args.warmup + args.runs):
            t0 = time.perf_counter()
            wrapper(x)
            if i >= args.warmup:
                times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"runtime": f"pytorch {torch.__version__}", "weights": weights, "threads": args.threads,
                      "runs": args.runs, "medianMs": statistics.median(times), "meanMs": statistics.fmean(times),
                      "minMs": min(times)}))


if __name__ == "__main__":
    main()
