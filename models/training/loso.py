"""Leave-one-source-out protocol for cxr-tri-v2 (issue #9; folds and rules: models/cxr-tri-v2/SELECTION.md).

For each fold: train_v2.py without the held-out cells, calibrate_v2 on the remaining val films, then run
the fold's model (reference preprocessing, calibrated probabilities, ood as exported) on the held-out
films of the train and val splits. The test split is never touched here.

  /usr/bin/python3 loso.py --fold no-rdb [--epochs 16 --draws 1024]     # train + evaluate one fold
  /usr/bin/python3 loso.py --report                                     # merge fold results -> loso.json
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from calibrate_v2 import calibrate
from common import read_json, run_batches, seed_everything, write_json
from data_v2 import cell_of
from features_v2 import load_wrapper, reference_tensors, split_records
from train_v2 import held_out

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "cxr-tri-v2"))
FOLDS = {
    "no-rdb": {"holdout": ["rdb"], "about": "every rdb film (Spanish COVID-19 exports and NIH/RSNA normals) held out"},
    "no-figure": {"holdout": ["figure"], "about": "every publication figure (Cohen, and Ozturk's COVID copies) held out"},
    "no-nih": {"holdout": ["nih"], "about": "the Ozturk NIH normal/pneumonia films held out (negatives only)"},
}


def evaluate_held_out(run_dir: str, holdout, cal) -> dict:
    wrapper = load_wrapper(run_dir)
    recs, xs = [], []
    for split in ("train", "val"):
        r_split = split_records(split)
        idx = [i for i, r in enumerate(r_split) if held_out(r, holdout)]
        recs += [r_split[i] for i in idx]
        xs.append(np.asarray(reference_tensors(split)[idx]))
    x = np.concatenate(xs)
    with torch.no_grad():
        _, p, ood, _ = run_batches(lambda t: wrapper(t), x)
    labels = np.array([r.label for r in recs])
    cells = np.array([cell_of(r) for r in recs])
    high, medium = cal["priority"]["high"]["threshold"], cal["priority"]["medium"]["threshold"]
    shown = ood <= 1.0

    def rates(m):
        return {"n": int(m.sum()),
                "calledCovidArgmax": float((p[m].argmax(1) == 0).mean()),
                "high": float((p[m, 0] >= high).mean()),
                "highShown": float(((p[m, 0] >= high) & shown[m]).mean()),
                "mediumOrHigh": float((p[m, 0] >= medium).mean()),
                "oodPassRate": float(shown[m].mean()),
                "meanPCovid": float(p[m, 0].mean())}

    out = {"cells": {c: rates(cells == c) for c in sorted(set(cells))}}
    pos, neg = labels == 0, labels != 0
    if pos.any():
        out["covid"] = rates(pos)
    if neg.any():
        out["covidNegative"] = rates(neg)
    if pos.any() and neg.any():
        out["covidAuc"] = float(roc_auc_score(pos, p[:, 0]))
    return out


def run_fold(name: str, epochs: int, draws: int):
    fold = FOLDS[name]
    run_dir = os.path.join(HERE, "runs", f"loso-{name}")
    cmd = [sys.executable, os.path.join(HERE, "train_v2.py"), "--out", run_dir, "--epochs", str(epochs),
           "--draws", str(draws), "--holdout", ",".join(fold["holdout"])]
    subprocess.run(cmd, check=True)
    cal = calibrate(run_dir, fold["holdout"])
    ckpt = torch.load(os.path.join(run_dir, "model.pt"), map_location="cpu")
    res = {"fold": name, "about": fold["about"], "holdout": fold["holdout"], "epochs": epochs, "draws": draws,
           "bestEpoch": ckpt["epoch"], "valOfRemainingSources": {k: v for k, v in ckpt["val"].items()},
           "thresholds": {"high": cal["priority"]["high"]["threshold"],
                          "medium": cal["priority"]["medium"]["threshold"], "ood": 1.0},
           "heldOut": evaluate_held_out(run_dir, fold["holdout"], cal)}
    write_json(os.path.join(run_dir, "loso.json"), res)
    print(name, res["heldOut"], flush=True)
    return res


def report():
    folds = {}
    for name in FOLDS:
        path = os.path.join(HERE, "runs", f"loso-{name}", "loso.json")
        if os.path.exists(path):
            folds[name] = read_json(path)
    write_json(os.path.join(MODEL_DIR, "loso.json"), {
        "about": "Leave-one-source-out folds (models/training/loso.py, rules in SELECTION.md). Held-out films are "
                 "the train+val rows of the held-out cells; the test split is not used.",
        "folds": folds})
    return folds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fold", action="append", choices=list(FOLDS))
    ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--draws", type=int, default=1024)
    ap.add_argument("--report", action="store_true")
    args = ap.parse_args()
    seed_everything()
    for name in args.fold or []:
        run_fold(name, args.epochs, args.draws)
    if args.report:
        report()


if __name__ == "__main__":
    main()
