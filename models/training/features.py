"""Cached deterministic tensors per split, and the trained network loaded from a run."""
import os

import numpy as np
import torch

from common import RUN_DIR, read_json
from data import preprocess_records, read_manifest
from model import CxrNet, ExportWrapper


def split_records(split: str):
    return [r for r in read_manifest() if r.split == split]


def split_tensors(split: str, run_dir: str = RUN_DIR):
    """Reference-preprocessed tensors of a split, cached in the (git-ignored) run folder."""
    path = os.path.join(run_dir, f"{split}_tensors.npy")
    if os.path.exists(path):
        return np.load(path)
    x = preprocess_records(split_records(split))
    np.save(path, x)
    return x


def load_net(run_dir: str = RUN_DIR) -> CxrNet:
    ckpt = torch.load(os.path.join(run_dir, "model.pt"), map_location="cpu")
    net = CxrNet()
    net.load_state_dict(ckpt["state_dict"])
    return net.eval()


def load_wrapper(run_dir: str = RUN_DIR) -> ExportWrapper:
    cal = read_json(os.path.join(run_dir, "calibration.json"))
    return ExportWrapper(
        load_net(run_dir),
        cal["temperature"],
        torch.tensor(cal["ood"]["classMeans"], dtype=torch.float32),
        torch.tensor(np.load(os.path.join(run_dir, "precision.npy")), dtype=torch.float32),
    ).eval()


@torch.no_grad()
def pooled_and_logits(net: CxrNet, x: np.ndarray, batch: int = 64):
    pooled, logits = [], []
    for i in range(0, len(x), batch):
        f = net.forward_features(torch.from_numpy(x[i : i + batch])).mean(dim=(2, 3))
        pooled.append(f.numpy())
        logits.append(net.head(f).numpy())
    return np.concatenate(pooled), np.concatenate(logits)
