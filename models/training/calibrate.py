"""Fit everything chosen after training, on train and val only (never test):
temperature (val NLL), Mahalanobis OOD statistics (train features), OOD threshold (95 % of val pass),
triage thresholds on calibrated COVID probability (val COVID sensitivity >= 0.95 / >= 0.99).
Writes <run>/calibration.json and <run>/precision.npy.
"""
import math
import os

import numpy as np
import torch
from sklearn.covariance import LedoitWolf

from common import RUN_DIR, seed_everything, write_json
from features import load_net, pooled_and_logits, split_records, split_tensors


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    z = torch.from_numpy(logits).double() / temperature
    return float(torch.nn.functional.cross_entropy(z, torch.from_numpy(labels)).item())


def fit_temperature(logits, labels):
    """Grid search in log space (deterministic, no optimiser randomness), then a finer grid."""
    grid = np.exp(np.linspace(np.log(0.2), np.log(10.0), 400))
    best = min(grid, key=lambda t: nll(logits, labels, t))
    fine = np.linspace(best * 0.98, best * 1.02, 81)
    return float(min(fine, key=lambda t: nll(logits, labels, t)))


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def threshold_for_sensitivity(scores_pos: np.ndarray, sensitivity: float) -> float:
    """Largest threshold t with mean(scores_pos >= t) >= sensitivity."""
    s = np.sort(scores_pos)[::-1]
    k = math.ceil(sensitivity * len(s)) - 1
    return float(s[k])


def main():
    seed_everything()
    net = load_net()
    x_tr, x_val = split_tensors("train"), split_tensors("val")
    y_tr = np.array([r.label for r in split_records("train")])
    y_val = np.array([r.label for r in split_records("val")])
    f_tr, _ = pooled_and_logits(net, x_tr)
    f_val, z_val = pooled_and_logits(net, x_val)

    temperature = fit_temperature(z_val, y_val)

    means = np.stack([f_tr[y_tr == c].mean(0) for c in range(3)])
    centred = f_tr - means[y_tr]
    lw = LedoitWolf(assume_centered=True).fit(centred)  # shrinkage: 160 dims from ~1000 images
    precision = np.linalg.inv(lw.covariance_)
    diff = f_val[:, None, :] - means[None]
    ood_val = np.sqrt(np.einsum("nck,kl,ncl->nc", diff, precision, diff).min(1))
    ood_threshold = float(np.quantile(ood_val, 0.95))

    p_val = softmax(z_val / temperature)
    covid_scores = p_val[y_val == 0, 0]
    high = threshold_for_sensitivity(covid_scores, 0.95)
    medium = min(high, threshold_for_sensitivity(covid_scores, 0.99))

    def op(t):
        called = p_val[:, 0] >= t
        tp = (called & (y_val == 0)).sum()
        return {"threshold": t, "valSensitivity": float(tp / (y_val == 0).sum()),
                "valSpecificity": float((~called & (y_val != 0)).sum() / (y_val != 0).sum()),
                "valPpv": float(tp / max(1, called.sum()))}

    cal = {
        "temperature": temperature,
        "valNll": {"uncalibrated": nll(z_val, y_val, 1.0), "calibrated": nll(z_val, y_val, temperature)},
        "priority": {"high": op(high), "medium": op(medium)},
        "ood": {
            "threshold": ood_threshold,
            "valPassRate": float((ood_val <= ood_threshold).mean()),
            "shrinkage": float(lw.shrinkage_),
            "classMeans": means.tolist(),
        },
    }
    np.save(os.path.join(RUN_DIR, "precision.npy"), precision.astype(np.float32))
    write_json(os.path.join(RUN_DIR, "calibration.json"), cal)
    print({k: v for k, v in cal.items() if k != "ood"}, cal["ood"]["threshold"], cal["ood"]["valPassRate"])


if __name__ == "__main__":
    main()
