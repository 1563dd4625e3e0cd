"""Export cxr-tri-v2: model.onnx (same inputs/outputs as v1), model.json, parity fixture, preprocessing.md.

  /usr/bin/python3 export_v2.py --run-dir runs/cxr-tri-v2 [--version 2.0.0]
Test metrics are merged into model.json afterwards by evaluate_v2.py.
"""
import argparse
import os
import shutil

import torch

from common import read_json, seed_everything, write_json
from data_v2 import read_manifest
from export import OPSET, export_onnx, sha256_file, write_parity_fixture
from features_v2 import load_wrapper
from model import LABELS
from preprocessing import SPEC

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "cxr-tri-v2"))
NAME = "cxr-tri-v2"


def training_data_summary():
    counts = {}
    for r in read_manifest():
        c = counts.setdefault(r.split, {}).setdefault(LABELS[r.label], {})
        c[r.source] = c.get(r.source, 0) + 1
    return {
        "dataset": "cxr-v2 (6,100 frontal CXRs: cxr-v1 = Ozturk et al. 2020 NIH normal/pneumonia + Cohen "
                   "covid-chestxray-dataset figures; plus 4,675 hospital films 'rdb' from the COVID-19 Radiography "
                   "Database: BIMCV-COVID19+ COVID-19 exports and NIH/RSNA adult normals)",
        "split": "fixed patient-level split from the dataset manifest (~70/15/15); rdb groups by image similarity",
        "counts": counts,
        "confound": "every rdb COVID film is from Spanish hospitals and every adult normal/pneumonia film is from NIH; "
                    "see MODEL_CARD.md for what the recipe does against it and the leave-one-source-out figures",
        "licences": "NIH ChestX-ray terms; Cohen per-image licences incl. CC BY-NC-SA / CC BY-NC-ND; BIMCV-COVID19+ "
                    "research agreement; COVID-19 Radiography Database (Chowdhury et al. 2020, Rahman et al. 2021): "
                    "research use only",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--version", default="2.0.0")
    args = ap.parse_args()
    seed_everything()
    cal = read_json(os.path.join(args.run_dir, "calibration.json"))
    wrapper = load_wrapper(args.run_dir)
    os.makedirs(MODEL_DIR, exist_ok=True)
    onnx_path = os.path.join(MODEL_DIR, "model.onnx")
    export_onnx(wrapper, onnx_path, f"{NAME}: covid/normal/pneumonia triage CNN with in-graph Grad-CAM and OOD score")
    write_parity_fixture(wrapper, os.path.join(MODEL_DIR, "parity"))
    shutil.copyfile(os.path.join(HERE, "..", "cxr-tri-v1", "preprocessing.md"), os.path.join(MODEL_DIR, "preprocessing.md"))
    size = SPEC["pad"]["size"]
    manifest_path = os.path.join(MODEL_DIR, "model.json")
    old = read_json(manifest_path) if os.path.exists(manifest_path) else {}
    ckpt = torch.load(os.path.join(args.run_dir, "model.pt"), map_location="cpu")
    manifest = {
        "$schema": "../model.schema.json",
        "name": NAME,
        "version": args.version,
        "file": "model.onnx",
        "sha256": sha256_file(onnx_path),
        "sizeBytes": os.path.getsize(onnx_path),
        "opset": OPSET,
        "labels": LABELS,
        "input": {"name": "input", "shape": ["N", 1, size, size], "dtype": "float32"},
        "outputs": {
            "logits": {"name": "logits", "shape": ["N", 3]},
            "probabilities": {"name": "probabilities", "shape": ["N", 3],
                              "description": "softmax(logits / temperature), temperature fitted on val"},
            "ood": {"name": "ood", "shape": ["N"], "largerIsMoreUnfamiliar": True,
                    "description": "max(Mahalanobis distance of the pooled last-conv features to the nearest training "
                                   "class mean / its val 99.5th percentile, P(outlier) of the outlier-exposure head / "
                                   "0.5); > 1 means unfamiliar"},
            "cam": {"name": "cam", "shape": ["N", 3, size // 16, size // 16],
                    "description": "Grad-CAM of each class at the last conv layer, ReLU(sum_k w_ck A_k) divided by "
                                   "its spatial maximum + 1e-8 (each map in [0,1]; all-zero when no positive "
                                   "evidence). Covers the padded 224x224 input; map to the image with the "
                                   "preprocessing letterbox."},
        },
        "preprocessing": SPEC,
        "temperature": cal["temperature"],
        "thresholds": {
            "priority": {"score": "probabilities[covid]", "high": cal["priority"]["high"]["threshold"],
                         "medium": cal["priority"]["medium"]["threshold"],
                         "chosenOn": "val: " + cal["priority"]["rule"], "val": {k: v for k, v in cal["priority"].items()
                                                                                 if k != "rule"}},
            "ood": {"threshold": 1.0, "largerIsMoreUnfamiliar": True,
                    "rule": "ood > threshold -> 'AI result unreliable for this image'",
                    "valPassRate": cal["ood"]["valPassRate"]},
        },
        "training": {"seed": ckpt["seed"], "epoch": ckpt["epoch"], "framework": f"PyTorch {torch.__version__} (CPU)",
                     "data": training_data_summary()},
        "metrics": old.get("metrics"),
        "intendedUse": "prioritisation and research, not diagnosis",
        "modelCard": "MODEL_CARD.md",
    }
    write_json(manifest_path, manifest)
    print("exported", onnx_path, manifest["sizeBytes"], "bytes", manifest["sha256"])


if __name__ == "__main__":
    main()
