"""Small helpers shared by train/calibrate/export/evaluate."""
import json
import os
import random

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_DIR = os.environ.get("CXR_RUN_DIR", os.path.join(HERE, "runs", "cxr-tri-v1"))  # git-ignored
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "cxr-tri-v1"))
SEED = 20261128


def seed_everything(seed: int = SEED):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(int(os.environ.get("CXR_THREADS", "2")))


def write_json(path: str, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False)
        f.write("\n")


def read_json(path: str):
    with open(path) as f:
        return json.load(f)


@torch.no_grad()
def run_batches(fn, x: np.ndarray, batch: int = 64):
    """Apply fn to x in batches; fn returns a tensor or tuple of tensors; returns numpy arrays."""
    outs = None
    for i in range(0, len(x), batch):
        res = fn(torch.from_numpy(x[i : i + batch]))
        res = res if isinstance(res, tuple) else (res,)
        if outs is None:
            outs = [[] for _ in res]
        for o, r in zip(outs, res):
            o.append(r.numpy())
    arrays = [np.concatenate(o) for o in outs]
    return arrays if len(arrays) > 1 else arrays[0]
