"""Evaluate cxr-tri-v2 once on the cxr-v2 test split, plus the OOD guard, the stress test and the
Grad-CAM checks. PyTorch twin of model.onnx on the reference preprocessing (the app's parity test shows
the two agree). Nothing is fitted here; the test split is used once per model version.

  /usr/bin/python3 evaluate_v2.py --run-dir runs/cxr-tri-v2
Writes models/cxr-tri-v2/metrics.json, stress.json, the plots, and the summary into model.json.
"""
import argparse
import os
import random
import zlib

import numpy as np
import torch
from PIL import Image

from common import SEED, read_json, run_batches, seed_everything, write_json
from data_v2 import cell_of
from evaluate import (bootstrap_auc, deletion_test, ece, per_class, plot_confusion, plot_gradcam_synthetic, plot_ood,
                      plot_reliability, plot_roc, randomisation_test, synthetic_sets)
from features_v2 import load_wrapper, reference_tensors, split_records
from model import LABELS
from preprocessing import preprocess
from stress import TRANSFORMS

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "cxr-tri-v2"))
FILM_KINDS = ["inverted", "rotated90", "rotated180", "upside_down", "crop_central_40pct", "crop_corner_quarter"]


def gray(r):
    return np.asarray(Image.open(r.path).convert("L"))


def film_variant(v: np.ndarray, kind: str):
    """Wrong-way-round or partial films: the guard should fire (same kinds as v1's evaluate.py)."""
    h, w = v.shape
    if kind == "inverted":
        return v, "MONOCHROME1"
    if kind == "rotated90":
        return np.rot90(v).copy(), "MONOCHROME2"
    if kind == "rotated180":
        return np.rot90(v, 2).copy(), "MONOCHROME2"
    if kind == "upside_down":
        return v[::-1].copy(), "MONOCHROME2"
    if kind == "crop_central_40pct":
        return v[int(h * 0.3):int(h * 0.7), int(w * 0.3):int(w * 0.7)], "MONOCHROME2"
    return v[: h // 2, : w // 2], "MONOCHROME2"


def priority_levels(p_covid, high, medium):
    return np.where(p_covid >= high, "high", np.where(p_covid >= medium, "medium", "low"))


def cell_report(recs, probs, ood, high, medium):
    """Per (label/origin) cell: n, called COVID, share in each priority level, ood pass rate, high shown."""
    cells = np.array([cell_of(r) for r in recs])
    levels = priority_levels(probs[:, 0], high, medium)
    out = {}
    for c in sorted(set(cells)):
        m = cells == c
        out[c] = {"n": int(m.sum()), "calledCovidArgmax": float((probs[m].argmax(1) == 0).mean()),
                  **{f"share{lvl.capitalize()}": float((levels[m] == lvl).mean()) for lvl in ("high", "medium", "low")},
                  "highShown": float(((levels[m] == "high") & (ood[m] <= 1.0)).mean()),
                  "oodPassRate": float((ood[m] <= 1.0).mean())}
    return out


def stress(wrapper, high, split):
    """stress.py's fixed transformations of a split's NIH normal/pneumonia films (all COVID-negative)."""
    nih = [r for r in split_records(split) if r.origin == "nih"]
    rows = {}
    for name, fn in TRANSFORMS.items():
        xs = []
        for r in nih:
            rng = random.Random(zlib.crc32(f"{r.id}/{name}".encode()))
            xs.append(preprocess(np.asarray(fn(Image.open(r.path).convert("L"), rng))))
        _, p, ood, _ = run_batches(lambda t: wrapper(t), np.stack(xs))
        rows[name] = {"n": len(nih), "calledCovidArgmax": float((p.argmax(1) == 0).mean()),
                      "highPriority": float((p[:, 0] >= high).mean()),
                      "highPriorityShown": float(((p[:, 0] >= high) & (ood <= 1.0)).mean()),
                      "oodFlagged": float((ood > 1.0).mean()), "meanPCovid": float(p[:, 0].mean())}
        print(split, name, {k: round(v, 3) for k, v in rows[name].items()}, flush=True)
    shifted = [n for n in TRANSFORMS if n != "identity"]
    pooled = {k: float(np.mean([rows[n][k] for n in shifted])) for k in rows["identity"] if k != "n"}
    return {"split": split, "images": f"{len(nih)} NIH normal+pneumonia films (COVID-negative)",
            "transforms": rows, "pooled": {"allShifted": pooled}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--skip-stress", action="store_true")
    args = ap.parse_args()
    seed_everything()
    rng = np.random.default_rng(SEED)
    wrapper = load_wrapper(args.run_dir)
    cal = read_json(os.path.join(args.run_dir, "calibration.json"))
    high, medium = cal["priority"]["high"]["threshold"], cal["priority"]["medium"]["threshold"]

    test = split_records("test")
    x = np.asarray(reference_tensors("test"))
    labels = np.array([r.label for r in test])
    patients = np.array([r.patient_id for r in test])
    logits, probs, ood, cams = run_batches(lambda t: wrapper(t), x)
    pred = probs.argmax(1)
    uncal = torch.softmax(torch.from_numpy(logits), 1).numpy()
    cm = [[int(((labels == i) & (pred == j)).sum()) for j in range(3)] for i in range(3)]
    pc = per_class(pred, labels)
    aucs = bootstrap_auc(probs, labels, patients, rng)
    ece_cal, rows_cal = ece(probs, labels)
    _, rows_uncal = ece(uncal, labels)
    covid = labels == 0
    at_high = probs[:, 0] >= high

    # OOD guard: in-distribution films, wrong-way-round films, synthetic and non-chest images.
    _, p_val, ood_val, _ = run_batches(lambda t: wrapper(t), np.asarray(reference_tensors("val")))
    ood_groups = {"val (in-distribution)": ood_val, "test (in-distribution)": ood}
    called = {}
    for kind in FILM_KINDS:
        xs = np.stack([preprocess(*film_variant(gray(r), kind)) for r in test])
        _, p_k, ood_k, _ = run_batches(lambda t: wrapper(t), xs)
        ood_groups[f"test {kind}"] = ood_k
        called[f"test {kind}"] = float((p_k.argmax(1) == 0).mean())
    for kind, xs in synthetic_sets(SEED).items():
        _, p_k, ood_k, _ = run_batches(lambda t: wrapper(t), xs)
        ood_groups[kind] = ood_k
        called[kind] = float((p_k.argmax(1) == 0).mean())
    ood_report = {k: {"n": int(len(v)), "firingRate": float((v > 1.0).mean()), "median": float(np.median(v)),
                      "calledCovidArgmax": called.get(k)} for k, v in ood_groups.items()}
    should_fire = [k for k in ood_report if k not in ("val (in-distribution)", "test (in-distribution)",
                                                       "synthetic_chest_phantom")]
    deletion = deletion_test(wrapper, x, rng)
    randomisation = randomisation_test(wrapper, x)

    metrics = {
        "split": "test", "n": int(len(test)),
        "accuracy": float((pred == labels).mean()),
        "macroAccuracy": float(np.mean([pc[n]["sensitivity"] for n in LABELS])),
        "macroAccuracyDefinition": "mean per-class sensitivity (balanced accuracy)",
        "perClass": pc,
        "confusionMatrix": {"rowsTrue_colsPredicted": LABELS, "matrix": cm},
        "rocAuc": aucs, "ece": {"calibrated": ece_cal, "bins": rows_cal}, "temperature": cal["temperature"],
        "covidOperatingPoints": {
            "argmax": {"sensitivity": pc["covid"]["sensitivity"], "ppv": pc["covid"]["ppv"]},
            "high": {"threshold": high, "sensitivity": float(at_high[covid].mean()),
                     "ppv": float((at_high & covid).sum() / max(1, at_high.sum())),
                     "covidNegativeShare": float(at_high[~covid].mean())},
        },
        "perCell": cell_report(test, probs, ood, high, medium),
        "ood": ood_report,
        "oodSummary": {"passRateTest": float((ood <= 1.0).mean()),
                       "minFiringRateShouldFire": float(min(ood_report[k]["firingRate"] for k in should_fire)),
                       "meanFiringRateShouldFire": float(np.mean([ood_report[k]["firingRate"] for k in should_fire]))},
        "faithfulness": {"deletion": deletion, "randomisation": randomisation},
    }
    write_json(os.path.join(MODEL_DIR, "metrics.json"), metrics)
    plot_reliability(rows_cal, rows_uncal, os.path.join(MODEL_DIR, "reliability.png"))
    plot_roc(probs, labels, aucs, os.path.join(MODEL_DIR, "roc.png"))
    plot_confusion(cm, os.path.join(MODEL_DIR, "confusion.png"))
    plot_ood(ood_groups, 1.0, os.path.join(MODEL_DIR, "ood.png"))
    plot_gradcam_synthetic(wrapper, os.path.join(MODEL_DIR, "gradcam_synthetic.png"))

    if not args.skip_stress:
        write_json(os.path.join(MODEL_DIR, "stress.json"), {
            "about": "Style-shift stress test (stress.TRANSFORMS) on NIH films, cxr-tri-v2 with its own thresholds",
            "val": stress(wrapper, high, "val"), "test": stress(wrapper, high, "test")})

    manifest_path = os.path.join(MODEL_DIR, "model.json")
    manifest = read_json(manifest_path)
    manifest["metrics"] = {
        "split": "test", "n": int(len(test)), "covidSensitivity": pc["covid"]["sensitivity"], "covidPpv": pc["covid"]["ppv"],
        "covidAuc": aucs["covid"]["auc"], "covidAucCi95": aucs["covid"]["ci95"],
        "macroAccuracy": metrics["macroAccuracy"], "accuracy": metrics["accuracy"], "ece": ece_cal,
        "details": "metrics.json",
    }
    write_json(manifest_path, manifest)
    print({k: metrics[k] for k in ("accuracy", "macroAccuracy")}, metrics["covidOperatingPoints"], metrics["oodSummary"])


if __name__ == "__main__":
    main()
