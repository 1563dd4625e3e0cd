"""Train CxrNet from scratch on the train split; choose the epoch on val. Seeded, reproducible.

Usage: /usr/bin/python3 train.py [--epochs 60] [--subset 200] [--out runs/cxr-tri-v1]
Writes <out>/model.pt, <out>/val_tensors.npy cache and <out>/training_log.jsonl.
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

from common import RUN_DIR, SEED, seed_everything
from data import (DrawSampler, TrainDataset, preprocess_records, read_manifest, sampling_weights,
                  sampling_weights_fixed_share)
from model import CxrNet


class GradReverse(torch.autograd.Function):
    """Gradient reversal (Ganin & Lempitsky 2015): the source adversary learns to tell NIH films
    from publication figures, the features learn to make that impossible."""

    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.lam * grad, None


@torch.no_grad()
def update_ema(ema: torch.nn.Module, net: torch.nn.Module, decay: float):
    """Polyak averaging of weights and BN statistics: a smoother model to validate and ship
    (validation of the raw weights swings a lot under heavy augmentation)."""
    for e, p in zip(ema.parameters(), net.parameters()):
        e.mul_(decay).add_(p.detach(), alpha=1 - decay)
    for e, b in zip(ema.buffers(), net.buffers()):
        if e.dtype.is_floating_point:
            e.mul_(decay).add_(b, alpha=1 - decay)
        else:
            e.copy_(b)


def val_metrics(logits: np.ndarray, labels: np.ndarray, origins: np.ndarray):
    prob = torch.softmax(torch.from_numpy(logits), 1).numpy()
    pred = prob.argmax(1)
    recalls = [float((pred[labels == c] == c).mean()) for c in range(3)]
    aucs = [float(roc_auc_score(labels == c, prob[:, c])) for c in range(3)]
    nll = float(F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels)).item())
    fig_noncovid = (origins == "figure") & (labels != 0)
    return {
        "nll": nll,
        "balanced_acc": float(np.mean(recalls)),
        "recall": recalls,
        "auc": aucs,
        "figure_noncovid_called_covid": float((pred[fig_noncovid] == 0).mean()) if fig_noncovid.any() else None,
        "score": float(np.mean(recalls) + np.mean(aucs)),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--draws", type=int, default=1024, help="samples drawn per epoch")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--adv-weight", type=float, default=0.2, help="max gradient-reversal weight")
    ap.add_argument("--subset", type=int, default=0, help="smoke runs: use only N train images")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ema-decay", type=float, default=0.0,
                    help="if > 0: evaluate and save an exponential moving average of the weights")
    ap.add_argument("--recipe", default="v1", choices=["v1", "v1.1"],
                    help="v1.1: + hospital-style augmentation (data.hospital_style) and fixed figure shares")
    ap.add_argument("--figure-share-normal", type=float, default=0.15, help="v1.1: share of normal draws from figures")
    ap.add_argument("--figure-share-pneumonia", type=float, default=0.40,
                    help="v1.1: share of pneumonia draws from figures")
    ap.add_argument("--sampling", default=None, choices=["sqrt", "fixed"],
                    help="origin shares within a label: sqrt (v1) or fixed figure shares (v1.1 default)")
    ap.add_argument("--style-p", type=float, default=0.75, help="v1.1: share of draws given a hospital style")
    ap.add_argument("--out", default=RUN_DIR)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    seed_everything(args.seed)
    os.makedirs(args.out, exist_ok=True)

    records = read_manifest()
    train = [r for r in records if r.split == "train"]
    val = [r for r in records if r.split == "val"]
    if args.subset:
        rng = np.random.default_rng(args.seed)
        train = [train[i] for i in sorted(rng.choice(len(train), args.subset, replace=False))]
    if args.sampling is None:
        args.sampling = "fixed" if args.recipe == "v1.1" else "sqrt"
    if args.sampling == "fixed":
        weights, cells = sampling_weights_fixed_share(
            train, {1: args.figure_share_normal, 2: args.figure_share_pneumonia})
    else:
        weights, cells = sampling_weights(train)

    val_cache = os.path.join(args.out, "val_tensors.npy")
    if os.path.exists(val_cache):
        x_val = np.load(val_cache)
    else:
        x_val = preprocess_records(val)
        np.save(val_cache, x_val)
    y_val = np.array([r.label for r in val])
    o_val = np.array([r.origin for r in val])

    dataset = TrainDataset(train, args.seed, args.recipe, args.style_p)
    sampler = DrawSampler(weights, args.draws, args.seed)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=args.batch, sampler=sampler, num_workers=args.workers,
        persistent_workers=args.workers > 0, drop_last=True,
    )
    net = CxrNet()
    ema = copy.deepcopy(net) if args.ema_decay > 0 else None
    adversary = torch.nn.Linear(net.feature_dim, 1)
    params = list(net.parameters()) + list(adversary.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=5e-4)
    steps = args.epochs * (args.draws // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)

    log_path = os.path.join(args.out, "training_log.jsonl")
    log = open(log_path, "w")
    header = {"event": "start", "seed": args.seed, "args": vars(args), "train_images": len(train),
              "val_images": len(val), "cells": {f"{k[0]}/{k[1]}": v for k, v in cells.items()},
              "torch": torch.__version__, "threads": torch.get_num_threads()}
    log.write(json.dumps(header) + "\n")
    print(json.dumps(header), flush=True)

    best = None
    step = 0
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        net.train()
        t0 = time.time()
        tot, tot_cls, tot_adv, n = 0.0, 0.0, 0.0, 0
        for x, y, is_figure in loader:
            progress = step / steps
            lam = args.adv_weight * (2.0 / (1.0 + np.exp(-10 * progress)) - 1.0)  # DANN ramp-up
            feats = net.forward_features(x).mean(dim=(2, 3))
            logits = net.head(net.dropout(feats))
            loss_cls = F.cross_entropy(logits, y)
            noncovid = y != 0  # only within non-COVID is "origin" not the label itself
            if noncovid.sum() > 1 and args.adv_weight > 0:
                adv_logit = adversary(GradReverse.apply(feats[noncovid], lam)).squeeze(1)
                target = is_figure[noncovid].float()
                pos = target.sum().clamp(min=1.0)
                pos_weight = ((len(target) - pos) / pos).clamp(max=20.0)  # figures are the minority
                loss_adv = F.binary_cross_entropy_with_logits(adv_logit, target, pos_weight=pos_weight)
            else:
                loss_adv = torch.zeros(())
            loss = loss_cls + loss_adv
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if ema is not None:
                update_ema(ema, net, args.ema_decay)
            tot_cls += loss_cls.item() * len(y)
            tot_adv += loss_adv.item() * len(y)
            n += len(y)
        evaluated = ema if ema is not None else net
        evaluated.eval()
        with torch.no_grad():
            logits_val = np.concatenate([evaluated(torch.from_numpy(x_val[i:i + 64])).numpy()
                                         for i in range(0, len(x_val), 64)])
        m = val_metrics(logits_val, y_val, o_val)
        entry = {"event": "epoch", "epoch": epoch + 1, "train_loss": tot_cls / n, "adv_loss": tot_adv / n,
                 "lambda": float(lam), "lr": sched.get_last_lr()[0], "seconds": round(time.time() - t0, 1),
                 "val": {k: (np.round(v, 4).tolist() if v is not None else None) for k, v in m.items()}}
        improved = best is None or m["score"] > best["score"]
        if improved:
            best = {"score": m["score"], "epoch": epoch + 1}
            torch.save({"state_dict": evaluated.state_dict(), "epoch": epoch + 1, "val": m, "seed": args.seed},
                       os.path.join(args.out, "model.pt"))
        entry["best_epoch"] = best["epoch"]
        log.write(json.dumps(entry) + "\n")
        log.flush()
        print(json.dumps(entry), flush=True)
    log.write(json.dumps({"event": "end", "best_epoch": best["epoch"], "best_val_score": best["score"]}) + "\n")
    log.close()


if __name__ == "__main__":
    main()
