"""cxr-tri-v2: fit what is chosen after training, on train and val only (never test), by the rules in
models/cxr-tri-v2/SELECTION.md: temperature (val NLL), Mahalanobis statistics (train features), the ood
scales, and the priority thresholds. Writes <run>/calibration.json and <run>/precision.npy.

  /usr/bin/python3 calibrate_v2.py --run-dir runs/cxr-tri-v2 [--holdout covid/rdb,...]
"""
import argparse
import os

import numpy as np
from sklearn.covariance import LedoitWolf

from calibrate import fit_temperature, nll, softmax, threshold_for_sensitivity
from common import seed_everything, write_json
from data_v2 import cell_of
from features_v2 import load_net, pooled_logits_outlier, reference_tensors, split_records
from train_v2 import held_out

# SELECTION.md (amended 04:25): "high" = 95th percentile of the val COVID-negative *films* (NIH and rdb
# cells, publication figures left out), cells weighted equally.
HIGH_NEGATIVE_QUANTILE = 0.95
FILM_ORIGINS = ("nih", "rdb")
MEDIUM_SENSITIVITY = 0.97
MAHA_QUANTILE = 0.995
OUTLIER_SCALE = 0.5
MIN_CELL = 10


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = np.cumsum(w) / w.sum()
    return float(v[min(len(v) - 1, np.searchsorted(cdf, q, side="left"))])


def high_threshold(p_covid: np.ndarray, labels: np.ndarray, cells: np.ndarray) -> float:
    """Weighted quantile of P(covid) over COVID-negative film cells with >= MIN_CELL films, each cell
    weighing the same however many films it has."""
    neg = (labels != 0) & np.array([c.split("/")[1] in FILM_ORIGINS for c in cells])
    names, counts = np.unique(cells[neg], return_counts=True)
    big = {n for n, c in zip(names, counts) if c >= MIN_CELL}
    use = neg & np.isin(cells, list(big))
    w = np.array([1.0 / counts[list(names).index(c)] for c in cells[use]])
    return weighted_quantile(p_covid[use], w, HIGH_NEGATIVE_QUANTILE)


def split_view(split: str, holdout):
    recs = split_records(split)
    keep = np.array([not held_out(r, holdout) for r in recs])
    x = reference_tensors(split)
    return [r for r, k in zip(recs, keep) if k], x, keep


def calibrate(run_dir: str, holdout=()):
    net = load_net(run_dir)
    tr, x_tr, keep_tr = split_view("train", holdout)
    va, x_va, keep_va = split_view("val", holdout)
    f_tr, _, _ = pooled_logits_outlier(net, x_tr)
    f_va, z_va, o_va = pooled_logits_outlier(net, x_va)
    f_tr, f_va, z_va, o_va = f_tr[keep_tr], f_va[keep_va], z_va[keep_va], o_va[keep_va]
    y_tr = np.array([r.label for r in tr])
    y_va = np.array([r.label for r in va])
    cells_va = np.array([cell_of(r) for r in va])

    temperature = fit_temperature(z_va, y_va)
    means = np.stack([f_tr[y_tr == c].mean(0) for c in range(3)])
    lw = LedoitWolf(assume_centered=True).fit(f_tr - means[y_tr])
    precision = np.linalg.inv(lw.covariance_)
    diff = f_va[:, None, :] - means[None]
    maha_va = np.sqrt(np.einsum("nck,kl,ncl->nc", diff, precision, diff).min(1))
    maha_scale = float(np.quantile(maha_va, MAHA_QUANTILE))
    ood_va = np.maximum(maha_va / maha_scale, o_va / OUTLIER_SCALE)

    p_va = softmax(z_va / temperature)
    high = high_threshold(p_va[:, 0], y_va, cells_va)
    medium = min(high, threshold_for_sensitivity(p_va[y_va == 0, 0], MEDIUM_SENSITIVITY))

    def op(t):
        called = p_va[:, 0] >= t
        tp = (called & (y_va == 0)).sum()
        return {"threshold": t, "valSensitivity": float(tp / (y_va == 0).sum()),
                "valSpecificity": float((~called & (y_va != 0)).sum() / (y_va != 0).sum()),
                "valPpv": float(tp / max(1, called.sum()))}

    cal = {
        "temperature": temperature,
        "valNll": {"uncalibrated": nll(z_va, y_va, 1.0), "calibrated": nll(z_va, y_va, temperature)},
        "priority": {"high": op(high), "medium": op(medium),
                     "rule": f"high = {HIGH_NEGATIVE_QUANTILE:.2f} quantile of P(covid) of val COVID-negative films "
                             f"(origins {', '.join(FILM_ORIGINS)}; cells label/origin with n >= {MIN_CELL} weighted "
                             f"equally); medium = val COVID sensitivity "
                             f">= {MEDIUM_SENSITIVITY} point, <= high"},
        "ood": {"threshold": 1.0, "mahaScale": maha_scale, "outlierScale": OUTLIER_SCALE,
                "valPassRate": float((ood_va <= 1.0).mean()), "shrinkage": float(lw.shrinkage_),
                "classMeans": means.tolist()},
        "holdout": list(holdout),
    }
    np.save(os.path.join(run_dir, "precision.npy"), precision.astype(np.float32))
    write_json(os.path.join(run_dir, "calibration.json"), cal)
    return cal


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--holdout", default="")
    args = ap.parse_args()
    seed_everything()
    cal = calibrate(args.run_dir, [h for h in args.holdout.split(",") if h])
    print({k: v for k, v in cal.items() if k != "ood"}, {k: v for k, v in cal["ood"].items() if k != "classMeans"})


if __name__ == "__main__":
    main()
