"""Evaluate the exported network (PyTorch twin of model.onnx) once on the test split, plus the
robustness, OOD and faithfulness checks. Writes models/cxr-tri-v1/metrics.json, the plots, and
the metrics summary into model.json. Nothing here is fitted on test.
"""
import copy
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from common import MODEL_DIR, RUN_DIR, SEED, read_json, run_batches, seed_everything, write_json  # noqa: E402
from data import load_gray  # noqa: E402
from export import parity_images  # noqa: E402
from features import load_wrapper, pooled_and_logits, split_records, split_tensors  # noqa: E402
from model import LABELS, CxrNet  # noqa: E402
from preprocessing import preprocess, resized_shape  # noqa: E402
from synthetic import NON_MEDICAL_KINDS, abdomen_phantom, chest_phantom, limb_phantom, non_medical, shepp_logan, to_uint  # noqa: E402

N_BOOT = 2000


def ece(probs: np.ndarray, labels: np.ndarray, bins: int = 15):
    conf, pred = probs.max(1), probs.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    total, rows = 0.0, []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            acc, c = float((pred[m] == labels[m]).mean()), float(conf[m].mean())
            total += m.mean() * abs(acc - c)
            rows.append({"lo": float(lo), "hi": float(hi), "n": int(m.sum()), "accuracy": acc, "confidence": c})
    return float(total), rows


def per_class(pred, labels):
    out = {}
    for c, name in enumerate(LABELS):
        tp = int(((pred == c) & (labels == c)).sum())
        fn = int(((pred != c) & (labels == c)).sum())
        fp = int(((pred == c) & (labels != c)).sum())
        tn = int(((pred != c) & (labels != c)).sum())
        sens, spec = tp / max(1, tp + fn), tn / max(1, tn + fp)
        ppv = tp / max(1, tp + fp)
        out[name] = {"n": tp + fn, "sensitivity": sens, "specificity": spec, "ppv": ppv,
                     "f1": 2 * ppv * sens / max(1e-12, ppv + sens), "oneVsRestAccuracy": (tp + tn) / len(labels)}
    return out


def bootstrap_auc(probs, labels, patients, rng):
    """Patient-level bootstrap (images of one patient are resampled together)."""
    uniq = np.unique(patients)
    index = {p: np.flatnonzero(patients == p) for p in uniq}
    res = {name: [] for name in LABELS}
    for _ in range(N_BOOT):
        idx = np.concatenate([index[p] for p in rng.choice(uniq, len(uniq), replace=True)])
        for c, name in enumerate(LABELS):
            y = labels[idx] == c
            if 0 < y.sum() < len(y):
                res[name].append(roc_auc_score(y, probs[idx, c]))
    out = {}
    for c, name in enumerate(LABELS):
        lo, hi = np.percentile(res[name], [2.5, 97.5])
        out[name] = {"auc": float(roc_auc_score(labels == c, probs[:, c])), "ci95": [float(lo), float(hi)]}
    return out


def covid_operating_point(p_covid, labels, t):
    called = p_covid >= t
    tp = int((called & (labels == 0)).sum())
    return {"threshold": float(t), "sensitivity": tp / int((labels == 0).sum()),
            "specificity": float((~called & (labels != 0)).sum() / (labels != 0).sum()),
            "ppv": tp / max(1, int(called.sum())), "called": int(called.sum())}


def cells_report(pred, p_covid, labels, groups, high):
    out = {}
    for g in sorted(set(groups)):
        for c, name in enumerate(LABELS):
            m = (groups == g) & (labels == c)
            if m.any():
                out[f"{name}/{g}"] = {"n": int(m.sum()),
                                      "predicted": {LABELS[k]: int((pred[m] == k).sum()) for k in range(3)},
                                      "calledCovidArgmax": float((pred[m] == 0).mean()),
                                      "calledCovidHighPriority": float((p_covid[m] >= high).mean())}
    return out


def source_probe(train_feats, train_origin, eval_sets):
    """Logistic regression predicting image origin (NIH film vs publication figure) from features,
    on non-COVID images only (among COVID the origin is constant, i.e. it *is* the label)."""
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced"))
    probe.fit(train_feats, train_origin)
    out = {}
    for name, (f, o) in eval_sets.items():
        s = probe.predict_proba(f)[:, 1]
        pred = s >= 0.5
        out[name] = {"auc": float(roc_auc_score(o, s)), "nFigure": int(o.sum()), "nNih": int((1 - o).sum()),
                     "balancedAccuracy": float(((pred[o == 1]).mean() + (~pred[o == 0]).mean()) / 2)}
    return out


def transformed_tensors(records, kind):
    out = []
    for r in records:
        v = np.asarray(load_gray(r.path))
        h, w = v.shape
        photometric = "MONOCHROME2"
        if kind == "inverted":
            photometric = "MONOCHROME1"  # same as a MONOCHROME1/2 mix-up
        elif kind == "rotated90":
            v = np.rot90(v).copy()
        elif kind == "rotated180":
            v = np.rot90(v, 2).copy()
        elif kind == "upside_down":
            v = v[::-1].copy()
        elif kind == "crop_central_40pct":
            v = v[int(h * 0.3) : int(h * 0.7), int(w * 0.3) : int(w * 0.7)]
        elif kind == "crop_corner_quarter":
            v = v[: h // 2, : w // 2]
        out.append(preprocess(v, photometric))
    return np.stack(out)


def synthetic_sets(seed):
    rng = np.random.default_rng(seed)
    sets = {}
    sets["synthetic_chest_phantom"] = [chest_phantom(int(rng.integers(200, 400)), int(rng.integers(200, 400)), seed=i,
                                                     lesion=bool(i % 2)) for i in range(20)]
    sets["head_phantom"] = [np.rot90(shepp_logan(int(rng.integers(128, 320))), int(rng.integers(0, 4))) for _ in range(20)]
    sets["limb_phantom"] = [limb_phantom(int(rng.integers(200, 400)), int(rng.integers(120, 300)), seed=i) for i in range(20)]
    sets["abdomen_phantom"] = [abdomen_phantom(int(rng.integers(200, 400)), int(rng.integers(200, 400)), seed=i) for i in range(20)]
    for kind in NON_MEDICAL_KINDS:
        sets[kind] = [non_medical(kind, int(rng.integers(128, 320)), seed=i) for i in range(20)]
    return {k: np.stack([preprocess(to_uint(a, 8)) for a in v]) for k, v in sets.items()}


def upsample_cam(cam: torch.Tensor, size: int) -> torch.Tensor:
    return F.interpolate(cam, size=(size, size), mode="bilinear", align_corners=False)


@torch.no_grad()
def deletion_test(wrapper, x, rng):
    """Mask the top-10 % CAM pixels (of the predicted class) vs 10 % random pixels vs the top-10 %
    of another image's CAM (same blob statistics, wrong place). Masked pixels -> 0 (mid-grey)."""
    drops = {"topCam": [], "randomPixels": [], "otherImageCam": []}
    perm = rng.permutation(len(x))
    all_cam, all_p = [], []
    for i in range(0, len(x), 64):
        _, p, _, cam = wrapper(torch.from_numpy(x[i:i + 64]))
        all_cam.append(cam)
        all_p.append(p)
    cams, probs = torch.cat(all_cam), torch.cat(all_p)
    pred = probs.argmax(1)
    size = x.shape[-1]
    k = int(0.1 * size * size)
    for i in range(0, len(x), 64):
        sl = slice(i, min(len(x), i + 64))
        xb = torch.from_numpy(x[sl])
        n = xb.shape[0]
        idx = torch.arange(sl.start, sl.stop)
        c = pred[idx]
        p0 = probs[idx, c]
        def masked_prob(maps):
            flat = maps.reshape(n, -1)
            top = flat.topk(k, dim=1).indices
            m = torch.ones_like(flat).scatter_(1, top, 0.0).reshape(n, 1, size, size)
            _, p, _, _ = wrapper(xb * m)
            return p[torch.arange(n), c]
        cam_c = upsample_cam(cams[idx, c].unsqueeze(1), size)
        drops["topCam"].append(p0 - masked_prob(cam_c))
        r = torch.from_numpy(rng.random((n, 1, size, size)).astype(np.float32))
        drops["randomPixels"].append(p0 - masked_prob(r))
        other = cams[torch.from_numpy(perm[idx.numpy()]), c]
        drops["otherImageCam"].append(p0 - masked_prob(upsample_cam(other.unsqueeze(1), size)))
    d = {k2: torch.cat(v).numpy() for k2, v in drops.items()}
    return {"meanDrop": {k2: float(v.mean()) for k2, v in d.items()},
            "fractionTopCamBeatsRandom": float((d["topCam"] > d["randomPixels"]).mean()),
            "fractionTopCamBeatsOtherImageCam": float((d["topCam"] > d["otherImageCam"]).mean()),
            "n": int(len(x))}


@torch.no_grad()
def randomisation_test(wrapper, x):
    """Adebayo et al. 2018 cascading randomisation: re-initialise layers from the top down and
    compare the CAM of the (trained model's) predicted class by Spearman rank correlation."""
    _, p, _, cam_ref = wrapper(torch.from_numpy(x))
    pred = p.argmax(1)
    ref = cam_ref[torch.arange(len(x)), pred].reshape(len(x), -1).numpy()
    w = copy.deepcopy(wrapper)
    torch.manual_seed(SEED)
    convs = [m for m in w.net.features if isinstance(m, torch.nn.Sequential)]
    stages = [("head", [w.net.head])] + [(f"conv{len(convs) - i}", [convs[len(convs) - 1 - i][0]])
                                         for i in range(len(convs))]
    out = []
    for name, modules in stages:
        for m in modules:
            m.reset_parameters()
        _, _, _, cam = w(torch.from_numpy(x))
        rand = cam[torch.arange(len(x)), pred].reshape(len(x), -1).numpy()
        rhos = []
        for a, b in zip(ref, rand):
            if a.std() > 0 and b.std() > 0:
                rhos.append(spearmanr(a, b).correlation)
            else:
                rhos.append(0.0)
        out.append({"randomisedUpTo": name, "meanSpearman": float(np.mean(rhos)),
                    "meanAbsSpearman": float(np.mean(np.abs(rhos)))})
    return out


def border_mass(cams_pred, records):
    """Share of the predicted-class CAM mass outside the central 80 % x 80 % of the image content
    (that band holds 36 % of the content area, plus the padding): a proxy for relying on borders/text."""
    size = 224
    up = upsample_cam(cams_pred.unsqueeze(1), size)[:, 0].numpy()
    shares = []
    for cam, r in zip(up, records):
        w0, h0 = r_dims(r)
        rows, cols = resized_shape(h0, w0)
        top, left = (size - rows) // 2, (size - cols) // 2
        inner = np.zeros((size, size), bool)
        inner[top + int(0.1 * rows): top + rows - int(0.1 * rows), left + int(0.1 * cols): left + cols - int(0.1 * cols)] = True
        total = cam.sum()
        shares.append(float(cam[~inner].sum() / total) if total > 0 else np.nan)
    return np.array(shares)


_DIMS = {}


def r_dims(r):
    if r.id not in _DIMS:
        _DIMS[r.id] = load_gray(r.path).size
    return _DIMS[r.id]


def plot_reliability(rows_cal, rows_uncal, path):
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect")
    for rows, label, style in ((rows_uncal, "uncalibrated", "o-"), (rows_cal, "temperature-scaled", "s-")):
        ax.plot([r["confidence"] for r in rows], [r["accuracy"] for r in rows], style, label=label, ms=4)
    ax.set_xlabel("confidence (top label)")
    ax.set_ylabel("accuracy")
    ax.set_title("Reliability, test split (15 bins)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_roc(probs, labels, aucs, path):
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=110)
    for c, name in enumerate(LABELS):
        fpr, tpr, _ = roc_curve(labels == c, probs[:, c])
        ci = aucs[name]["ci95"]
        ax.plot(fpr, tpr, label=f"{name}: AUC {aucs[name]['auc']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]")
    ax.plot([0, 1], [0, 1], "k--", lw=1)
    ax.set_xlabel("1 - specificity")
    ax.set_ylabel("sensitivity")
    ax.set_title("One-vs-rest ROC, test split")
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_confusion(cm, path):
    fig, ax = plt.subplots(figsize=(4, 3.6), dpi=110)
    ax.imshow(cm, cmap="Blues")
    for i in range(3):
        for j in range(3):
            ax.text(j, i, str(cm[i][j]), ha="center", va="center", color="black")
    ax.set_xticks(range(3), LABELS)
    ax.set_yticks(range(3), LABELS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Confusion matrix, test split")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_ood(groups, threshold, path):
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    names = list(groups)
    ax.boxplot([groups[n] for n in names], vert=False, labels=names, showfliers=True)
    ax.axvline(threshold, color="r", ls="--", label=f"threshold {threshold:.2f}")
    ax.set_xscale("log")
    ax.set_xlabel("ood (Mahalanobis distance, larger = more unfamiliar)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


@torch.no_grad()
def plot_gradcam_synthetic(wrapper, path):
    """Grad-CAM on the synthetic parity images only (dataset pixels must not be committed)."""
    ims = parity_images()
    x = np.stack([preprocess(im["values"], im["photometric"]) for im in ims])
    _, p, ood, cam = wrapper(torch.from_numpy(x))
    fig, axes = plt.subplots(2, len(ims), figsize=(1.8 * len(ims), 3.8), dpi=80)
    for i, im in enumerate(ims):
        c = int(p[i].argmax())
        up = upsample_cam(cam[i:i + 1, c:c + 1], 224)[0, 0].numpy()
        axes[0, i].imshow(x[i, 0], cmap="gray")
        axes[0, i].set_title(im["name"], fontsize=7)
        axes[1, i].imshow(x[i, 0], cmap="gray")
        axes[1, i].imshow(up, cmap="jet", alpha=0.4, vmin=0, vmax=1)
        axes[1, i].set_title(f"{LABELS[c]} p={p[i, c]:.2f} ood={ood[i]:.1f}", fontsize=7)
        for a in axes[:, i]:
            a.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    seed_everything()
    rng = np.random.default_rng(SEED)
    wrapper = load_wrapper()
    cal = read_json(os.path.join(RUN_DIR, "calibration.json"))
    high, medium = cal["priority"]["high"]["threshold"], cal["priority"]["medium"]["threshold"]
    ood_t = cal["ood"]["threshold"]

    test = split_records("test")
    x = split_tensors("test")
    labels = np.array([r.label for r in test])
    origins = np.array([r.origin for r in test])
    sources = np.array([r.source for r in test])
    patients = np.array([r.patient_id for r in test])
    logits, probs, ood, cams = run_batches(lambda t: wrapper(t), x)
    pred = probs.argmax(1)
    uncal = torch.softmax(torch.from_numpy(logits), 1).numpy()

    cm = [[int(((labels == i) & (pred == j)).sum()) for j in range(3)] for i in range(3)]
    pc = per_class(pred, labels)
    aucs = bootstrap_auc(probs, labels, patients, rng)
    ece_cal, rows_cal = ece(probs, labels)
    ece_uncal, rows_uncal = ece(uncal, labels)

    # Source shortcut inside the pool
    net = wrapper.net
    tr = split_records("train")
    val = split_records("val")
    f_tr, _ = pooled_and_logits(net, split_tensors("train"))
    f_val, _ = pooled_and_logits(net, split_tensors("val"))
    f_te, _ = pooled_and_logits(net, x)
    def noncovid(recs, f):
        m = np.array([r.label != 0 for r in recs])
        return f[m], np.array([int(r.origin == "figure") for r in recs])[m]
    torch.manual_seed(SEED)
    random_net = CxrNet().eval()
    probes = {}
    for name, n in (("trainedModelFeatures", net), ("randomInitFeatures", random_net)):
        ftr = f_tr if n is net else pooled_and_logits(n, split_tensors("train"))[0]
        fva = f_val if n is net else pooled_and_logits(n, split_tensors("val"))[0]
        fte = f_te if n is net else pooled_and_logits(n, x)[0]
        a, b = noncovid(tr, ftr)
        ev_te = noncovid(test, fte)
        ev_vt = (np.concatenate([noncovid(val, fva)[0], ev_te[0]]), np.concatenate([noncovid(val, fva)[1], ev_te[1]]))
        probes[name] = source_probe(a, b, {"test": ev_te, "valPlusTest": ev_vt})

    # OOD guard
    ood_groups = {"val (in-distribution)": None, "test (in-distribution)": ood}
    _, _, ood_val, _ = run_batches(lambda t: wrapper(t), split_tensors("val"))
    ood_groups["val (in-distribution)"] = ood_val
    ood_report = {}
    called_covid = {}
    for kind in ["inverted", "rotated90", "rotated180", "upside_down", "crop_central_40pct", "crop_corner_quarter"]:
        _, p_k, ood_k, _ = run_batches(lambda t: wrapper(t), transformed_tensors(test, kind))
        ood_groups[f"test {kind}"] = ood_k
        called_covid[f"test {kind}"] = float((p_k.argmax(1) == 0).mean())
    for kind, xs in synthetic_sets(SEED).items():
        _, p_k, ood_k, _ = run_batches(lambda t: wrapper(t), xs)
        ood_groups[kind] = ood_k
        called_covid[kind] = float((p_k.argmax(1) == 0).mean())
    for k, v in ood_groups.items():
        ood_report[k] = {"n": int(len(v)), "firingRate": float((v > ood_t).mean()), "median": float(np.median(v)),
                         "calledCovidArgmax": called_covid.get(k, float((pred == 0).mean()) if k.startswith("test") else None)}

    # Faithfulness
    deletion = deletion_test(wrapper, x, rng)
    randomisation = randomisation_test(wrapper, x)
    cams_pred = torch.from_numpy(cams)[torch.arange(len(x)), torch.from_numpy(pred)]
    bm = border_mass(cams_pred, test)
    border = {f"{LABELS[c]}/{o}": float(np.nanmean(bm[(labels == c) & (origins == o)]))
              for c in range(3) for o in ("nih", "figure") if ((labels == c) & (origins == o)).any()}

    metrics = {
        "split": "test",
        "n": int(len(labels)),
        "accuracy": float((pred == labels).mean()),
        "macroAccuracy": float(np.mean([pc[n]["sensitivity"] for n in LABELS])),
        "macroAccuracyDefinition": "mean per-class sensitivity (balanced accuracy)",
        "perClass": pc,
        "confusionMatrix": {"rowsTrue_colsPredicted": LABELS, "matrix": cm},
        "rocAuc": aucs,
        "ece": {"calibrated": ece_cal, "uncalibrated": ece_uncal, "bins": 15, "reliability": rows_cal},
        "temperature": cal["temperature"],
        "covidOperatingPoints": {"argmax": covid_operating_point(probs[:, 0], labels, 2.0) | {
                                     "sensitivity": pc["covid"]["sensitivity"], "ppv": pc["covid"]["ppv"],
                                     "specificity": pc["covid"]["specificity"], "threshold": None,
                                     "called": int((pred == 0).sum())},
                                 "priorityHigh": covid_operating_point(probs[:, 0], labels, high),
                                 "priorityMedium": covid_operating_point(probs[:, 0], labels, medium)},
        "perOrigin": cells_report(pred, probs[:, 0], labels, origins, high),
        "perManifestSource": cells_report(pred, probs[:, 0], labels, sources, high),
        "sourceProbe": probes,
        "ood": {"threshold": ood_t, "largerIsMoreUnfamiliar": True, "groups": ood_report},
        "faithfulness": {"deletion": deletion, "randomisation": randomisation,
                         "camMassOutsideCentral80pct": border},
    }
    write_json(os.path.join(MODEL_DIR, "metrics.json"), metrics)
    plot_reliability(rows_cal, rows_uncal, os.path.join(MODEL_DIR, "reliability.png"))
    plot_roc(probs, labels, aucs, os.path.join(MODEL_DIR, "roc.png"))
    plot_confusion(cm, os.path.join(MODEL_DIR, "confusion.png"))
    plot_ood(ood_groups, ood_t, os.path.join(MODEL_DIR, "ood.png"))
    plot_gradcam_synthetic(wrapper, os.path.join(MODEL_DIR, "gradcam_synthetic.png"))

    manifest_path = os.path.join(MODEL_DIR, "model.json")
    manifest = read_json(manifest_path)
    fig_nc = [k for k in metrics["perOrigin"] if k.endswith("/figure") and not k.startswith("covid")]
    n_fig_nc = sum(metrics["perOrigin"][k]["n"] for k in fig_nc)
    manifest["metrics"] = {
        "split": "test", "n": metrics["n"],
        "covidSensitivity": pc["covid"]["sensitivity"], "covidPpv": pc["covid"]["ppv"],
        "covidAuc": aucs["covid"]["auc"], "covidAucCi95": aucs["covid"]["ci95"],
        "macroAccuracy": metrics["macroAccuracy"], "accuracy": metrics["accuracy"], "ece": ece_cal,
        "figureNonCovidCalledCovid": sum(metrics["perOrigin"][k]["calledCovidArgmax"] * metrics["perOrigin"][k]["n"]
                                         for k in fig_nc) / max(1, n_fig_nc),
        "details": "metrics.json",
    }
    write_json(manifest_path, manifest)
    print(write_summary(metrics))


def write_summary(m):
    pc = m["perClass"]
    return (f"acc {m['accuracy']:.3f} macro {m['macroAccuracy']:.3f} covid sens {pc['covid']['sensitivity']:.3f} "
            f"ppv {pc['covid']['ppv']:.3f} auc {m['rocAuc']['covid']['auc']:.3f} ece {m['ece']['calibrated']:.3f}")


if __name__ == "__main__":
    main()
