"""cxr-tri-v2: reference-preprocessed tensors per split (cached, shared by every fold) and the trained
network / export wrapper loaded from a run folder."""
import os

import numpy as np
import torch

from common import read_json
from data_v2 import read_manifest
from model import CxrNetV2, ExportWrapperV2
from preprocessing import preprocess
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE_DIR = os.environ.get("CXR_CACHE_DIR", os.path.join(HERE, "runs", "cache-v2"))  # git-ignored


def split_records(split: str):
    return [r for r in read_manifest() if r.split == split]


def reference_tensors(split: str) -> np.ndarray:
    """preprocessing.preprocess (what the app computes, bit for bit) of every film of a split, manifest order."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    path = os.path.join(CACHE_DIR, f"{split}_tensors.npy")
    if os.path.exists(path):
        return np.load(path, mmap_mode="r")
    x = np.stack([preprocess(np.asarray(Image.open(r.path).convert("L"))) for r in split_records(split)])
    np.save(path, x)
    return np.load(path, mmap_mode="r")


def load_net(run_dir: str) -> CxrNetV2:
    ckpt = torch.load(os.path.join(run_dir, "model.pt"), map_location="cpu")
    net = CxrNetV2()
    net.load_state_dict(ckpt["state_dict"])
    return net.eval()


def load_wrapper(run_dir: str) -> ExportWrapperV2:
    cal = read_json(os.path.join(run_dir, "calibration.json"))
    return ExportWrapperV2(
        load_net(run_dir), cal["temperature"],
        torch.tensor(cal["ood"]["classMeans"], dtype=torch.float32),
        torch.tensor(np.load(os.path.join(run_dir, "precision.npy")), dtype=torch.float32),
        cal["ood"]["mahaScale"], cal["ood"]["outlierScale"],
    ).eval()


@torch.no_grad()
def pooled_logits_outlier(net: CxrNetV2, x: np.ndarray, batch: int = 128):
    pooled, logits, outlier = [], [], []
    for i in range(0, len(x), batch):
        f = net.forward_features(torch.from_numpy(np.ascontiguousarray(x[i:i + batch]))).mean(dim=(2, 3))
        pooled.append(f.numpy())
        logits.append(net.head(f).numpy())
        outlier.append(torch.sigmoid(net.outlier_logit(f)).numpy())
    return np.concatenate(pooled), np.concatenate(logits), np.concatenate(outlier)
