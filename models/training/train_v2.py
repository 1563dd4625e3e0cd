"""Train cxr-tri-v2 (CxrNetV2) on cxr-v2's train split, choose the epoch on val. Seeded, reproducible.

  /usr/bin/python3 train_v2.py --out runs/cxr-tri-v2 [--holdout covid/rdb,normal/rdb] [--epochs N --draws N]

--holdout drops whole cells (label/origin, or an origin alone) from train AND val: the leave-one-source-out
folds of loso.py use it, and test on the dropped cells' train+val films (never the test split).
Writes <out>/model.pt and <out>/training_log.jsonl.
"""
import argparse
import copy
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

from common import SEED, seed_everything
from data_v2 import DrawSampler, TrainDataset, cell_of, read_manifest, sampling_weights
from features_v2 import reference_tensors
from model import CxrNetV2
from train import update_ema


def held_out(record, holdout) -> bool:
    return any(h == cell_of(record) or h == record.origin for h in holdout)


def val_metrics(logits: np.ndarray, labels: np.ndarray):
    prob = torch.softmax(torch.from_numpy(logits), 1).numpy()
    pred = prob.argmax(1)
    present = [c for c in range(3) if (labels == c).any()]
    recalls = [float((pred[labels == c] == c).mean()) for c in present]
    aucs = [float(roc_auc_score(labels == c, prob[:, c])) for c in present]
    return {"balanced_acc": float(np.mean(recalls)), "recall": recalls, "auc": aucs,
            "covid_auc": aucs[0] if present[0] == 0 else None, "score": float(np.mean(recalls) + np.mean(aucs))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=48)
    ap.add_argument("--draws", type=int, default=1536, help="samples drawn per epoch")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--ema-decay", type=float, default=0.995)
    ap.add_argument("--outlier-p", type=float, default=0.08, help="share of draws replaced by an outlier")
    ap.add_argument("--outlier-weight", type=float, default=0.5)
    ap.add_argument("--label-smoothing", type=float, default=0.05)
    ap.add_argument("--holdout", default="", help="comma-separated cells (covid/rdb) or origins (figure)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    seed_everything(args.seed)
    os.makedirs(args.out, exist_ok=True)
    holdout = [h for h in args.holdout.split(",") if h]

    records = read_manifest()
    train = [r for r in records if r.split == "train" and not held_out(r, holdout)]
    val_idx = [i for i, r in enumerate(r for r in records if r.split == "val") if not held_out(r, holdout)]
    val = [r for r in records if r.split == "val"]
    x_val = reference_tensors("val")[val_idx]
    y_val = np.array([val[i].label for i in val_idx])

    weights, cells = sampling_weights(train)
    dataset = TrainDataset(train, args.outlier_p)
    sampler = DrawSampler(weights, args.draws, args.seed)
    loader = torch.utils.data.DataLoader(dataset, batch_size=args.batch, sampler=sampler, num_workers=args.workers,
                                         persistent_workers=args.workers > 0, drop_last=True)
    net = CxrNetV2()
    ema = copy.deepcopy(net)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=5e-4)
    steps = args.epochs * (args.draws // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)

    log = open(os.path.join(args.out, "training_log.jsonl"), "w")
    header = {"event": "start", "seed": args.seed, "args": vars(args), "train_images": len(train),
              "val_images": len(val_idx), "cells": cells, "torch": torch.__version__, "threads": torch.get_num_threads()}
    log.write(json.dumps(header) + "\n")
    print(json.dumps(header), flush=True)
    best = None
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        net.train()
        t0 = time.time()
        tot_cls, tot_out, n = 0.0, 0.0, 0
        for x, y, is_outlier, _origin in loader:
            pooled = net.forward_features(x).mean(dim=(2, 3))
            logits = net.head(net.dropout(pooled))
            inlier = is_outlier == 0
            loss_cls = F.cross_entropy(logits[inlier], y[inlier], label_smoothing=args.label_smoothing)
            loss_out = F.binary_cross_entropy_with_logits(net.outlier_logit(pooled), is_outlier.float())
            loss = loss_cls + args.outlier_weight * loss_out
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            update_ema(ema, net, args.ema_decay)
            tot_cls += loss_cls.item() * len(y)
            tot_out += loss_out.item() * len(y)
            n += len(y)
        ema.eval()
        with torch.no_grad():
            logits_val = np.concatenate([ema(torch.from_numpy(x_val[i:i + 128])).numpy()
                                         for i in range(0, len(x_val), 128)])
        m = val_metrics(logits_val, y_val)
        entry = {"event": "epoch", "epoch": epoch + 1, "train_loss": tot_cls / n, "outlier_loss": tot_out / n,
                 "lr": sched.get_last_lr()[0], "seconds": round(time.time() - t0, 1),
                 "val": {k: (np.round(v, 4).tolist() if v is not None else None) for k, v in m.items()}}
        if best is None or m["score"] > best["score"]:
            best = {"score": m["score"], "epoch": epoch + 1}
            torch.save({"state_dict": ema.state_dict(), "epoch": epoch + 1, "val": m, "seed": args.seed,
                        "holdout": holdout}, os.path.join(args.out, "model.pt"))
        entry["best_epoch"] = best["epoch"]
        log.write(json.dumps(entry) + "\n")
        log.flush()
        print(json.dumps(entry), flush=True)
    log.write(json.dumps({"event": "end", "best_epoch": best["epoch"], "best_val_score": best["score"]}) + "\n")
    log.close()


if __name__ == "__main__":
    main()
