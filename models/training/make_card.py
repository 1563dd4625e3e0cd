"""Generate models/cxr-tri-v1/MODEL_CARD.md from model.json, metrics.json, the training log and
(optionally) latency.json written by `BENCH_OUT=models/cxr-tri-v1/latency.json npx tsx bench/model.bench.ts`.
Numbers are never typed by hand: rerun this after evaluate.py."""
import json
import os

from common import MODEL_DIR, read_json
from model import LABELS


def f3(x):
    return "n/a" if x is None else f"{x:.3f}"


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f} %"


STRESS_DESCRIPTION = {
    "identity": "unchanged (reference)",
    "gamma_0.6": "tone curve y = x^0.6",
    "gamma_1.5": "tone curve y = x^1.5",
    "s_curve": "sigmoid contrast, gain 10",
    "log_film_lut": "film-like log LUT, log(1+30x)/log(31)",
    "unsharp_strong": "CR/DR edge enhancement: unsharp mask radius 8 px, 300 %",
    "denoise_median": "heavy denoising: median 7×7 + Gaussian σ 1",
    "blur_heavy": "Gaussian blur σ 3 px",
    "noise_sigma15": "additive Gaussian noise σ 15/255",
    "downscale_upscale_0.25": "down to 25 % and back (bilinear)",
    "hist_flat": "histogram flattened (full-resolution equalisation)",
    "frame_black": "black collimation frame, 10 % of each side",
    "frame_white": "white collimation frame, 10 % of each side",
    "markers_text": "L/R lead marker + two lines of burnt-in text",
    "jpeg_q10": "JPEG quality 10",
    "rotate_7deg": "rotation ±7°",
    "child_padded": "child-like: chest at 60 % size in a dark field",
    "child_narrow": "child-like: narrower aspect (width × 0.75)",
    "child_padded_narrow": "child-like: chest at 60 % size, width × 0.8, dark field",
    "combo_cr": "gamma 0.6 + unsharp + black frame 6 % + markers/text",
    "combo_portable": "noise + down to 50 % + rotation ±5° + JPEG 20",
    "combo_child": "child field 65 %, width × 0.85 + unsharp + markers/text",
    "combo_film": "log LUT + median denoise + histogram flattening",
}


def stress_table(w, sp):
    w("| transformation | called COVID (argmax) | high priority | shown as high (passes OOD guard) | OOD flagged | "
      "mean P(COVID) | COVID figures, same transform: sensitivity at high |\n|---|---:|---:|---:|---:|---:|---:|")
    for k, v in sp["transforms"].items():
        w(f"| {k} — {STRESS_DESCRIPTION.get(k, '')} | {pct(v['calledCovidArgmax'])} | {pct(v['highPriority'])} | "
          f"{pct(v['highPriorityShown'])} | {pct(v['oodFlagged'])} | {v['meanPCovid']:.3f} | {pct(v['covidSensitivityHigh'])} |")
    for key, label in (("allShifted", "**mean of all transformations**"),
                       ("seenFamiliesV11", "mean, families used in v1.1 training augmentation"),
                       ("heldOutFromV11Training", "mean, families held out of v1.1 training")):
        v = sp["pooled"][key]
        w(f"| {label} ({len(v['transforms'])}) | {pct(v['calledCovidArgmax'])} | {pct(v['highPriority'])} | "
          f"{pct(v['highPriorityShown'])} | {pct(v['oodFlagged'])} | {v['meanPCovid']:.3f} | {pct(v['covidSensitivityHigh'])} |")
    w("")


def stress_section(w, stress, man, dev):
    val, test = stress.get("val"), stress.get("test")
    ref = val or test
    w("## Stress test (simulated other-hospital films)\n")
    w(f"A proxy for the issue's failure case (COVID-negative films from other hospitals and from children called "
      f"COVID): `models/training/stress.py` takes the **NIH films** of a split (Ozturk normal + pneumonia, all "
      f"COVID-negative: {ref['transforms']['identity']['n']} on val / test) and applies fixed, seeded transformations that mimic other hospitals' acquisition and "
      f"processing and children's films, then runs them through the exported pipeline (reference preprocessing "
      f"`preprocessing.py` + the PyTorch twin of `model.onnx`; onnxruntime is not installed for Python here, the "
      f"parity test shows the two agree). Every such film is COVID-negative, so every COVID call is a false alarm. "
      f"*High priority* = calibrated P(COVID) ≥ {man['thresholds']['priority']['high']:.4f}; *shown as high* = high and "
      f"ood ≤ {man['thresholds']['ood']['threshold']:.3f} (the app reports the others as \"AI result unreliable\"). "
      f"The last column runs the same transformation on the split's COVID images (publication figures) to show that "
      f"COVID calls were not simply switched off. The transformed images are made at evaluation time and not stored.\n")
    if val:
        w("**Val split** (used for choosing):\n")
        stress_table(w, val)
    if test:
        w("**Test split** (run once for this version):\n")
        stress_table(w, test)
    sp = (test or val)["pooled"]["allShifted"]
    ident = (test or val)["transforms"]["identity"]
    worst = sorted(((v["highPriorityShown"], k) for k, v in (test or val)["transforms"].items()), reverse=True)[:3]
    w(f"How to read it: on unchanged NIH films {pct(ident['highPriority'])} are already flagged high priority, "
      f"because the high threshold is the val COVID-sensitivity-95 % point and not selective (see Known limitations); "
      f"the stress test shows how much a style change adds to that. Averaged over the transformations, "
      f"{pct(sp['calledCovidArgmax'])} of the films are called COVID by argmax, {pct(sp['highPriority'])} pass the "
      f"high threshold and {pct(sp['highPriorityShown'])} would be *shown* as high priority (the OOD guard catches "
      f"{pct(sp['oodFlagged'])}). Highest shown-as-high rates: " + ", ".join(f"{k} ({pct(v)})" for v, k in worst) + ". "
      "Histogram equalisation in the preprocessing makes the result almost invariant to monotone tone curves "
      "(gamma, S-curve, log LUT, flattening); edge enhancement, noise, frames and the child-like field are what move "
      "it. Where the guard fires, the app shows \"AI result unreliable\" instead of a priority, so *shown as high* is "
      "what a reader would see.\n")
    w("Limits of the proxy: these are NIH films with synthetic processing, not other hospitals' patients, "
      "equipment or children; the reference CNN's ~95 % was measured on real external films and is not directly "
      "comparable. Several transformations belong to families that the training augmentation also uses (with "
      "random parameters); for those the test is partly *in-family* and flatters the model; the held-out rows "
      "are the fairer ones.\n")


def history_section(w, dev, man):
    e = dev["entries"]
    w("| version / run | recipe | status | val COVID AUC | val balanced acc. | val stress: argmax / high / shown high / OOD "
      "(mean of transformations) | test COVID sens. / PPV / AUC / macro acc. / ECE | train min |\n"
      "|---|---|---|---:|---:|---|---|---:|")
    for k, v in e.items():
        ps = v["valStress"]["pooled"]["allShifted"]
        t = v.get("test")
        ts = (f"{f3(t['covidSensitivity'])} / {f3(t['covidPpv'])} / {f3(t['covidAuc'])} / {f3(t['macroAccuracy'])} / "
              f"{f3(t['ece'])}") if t else "not evaluated on test"
        w(f"| {k} | {v['recipe']} | {v['note']} | {f3(v['val']['covidAuc'])} | {f3(v['val']['balancedAccuracy'])} | "
          f"{pct(ps['calledCovidArgmax'])} / {pct(ps['highPriority'])} / {pct(ps['highPriorityShown'])} / "
          f"{pct(ps['oodFlagged'])} | {ts} | {v['trainMinutes']:.0f} |")
    w("")
    for k, v in e.items():
        t = v.get("test")
        if t:
            w(f"- {k} on test: COVID sensitivity {f3(t['covidSensitivity'])}, PPV {f3(t['covidPpv'])}, AUC "
              f"{f3(t['covidAuc'])} (95 % CI {f3(t['covidAucCi95'][0])}–{f3(t['covidAucCi95'][1])}), high-priority "
              f"sensitivity / PPV {f3(t['highPrioritySensitivity'])} / {f3(t['highPriorityPpv'])}, accuracy "
              f"{f3(t['accuracy'])}, macro accuracy {f3(t['macroAccuracy'])}, ECE {f3(t['ece'])}, non-COVID figures "
              f"called COVID {pct(t['figureNonCovidCalledCovid'])}, source probe val+test AUC "
              f"{f3(t['sourceProbeValPlusTestAuc'])}" + (
                  f"; stress test on test (mean of transformations) argmax {pct(v['testStressPooled']['allShifted']['calledCovidArgmax'])}, "
                  f"high {pct(v['testStressPooled']['allShifted']['highPriority'])}, shown high "
                  f"{pct(v['testStressPooled']['allShifted']['highPriorityShown'])}" if v.get("testStressPooled") else "") + ".")
    keys = list(e)
    if len(keys) > 1:
        names = [n for n in e[keys[0]]["valStress"]["transforms"] if all(n in e[x]["valStress"]["transforms"] for x in keys)]
        w("\nVal stress test per transformation, high priority / shown as high (each run with its own val-fitted "
          "thresholds):\n")
        w("| transformation | " + " | ".join(keys) + " |\n|---|" + "---:|" * len(keys))
        for n in names:
            w(f"| {n} | " + " | ".join(f"{pct(e[x]['valStress']['transforms'][n]['highPriority'])} / "
                                        f"{pct(e[x]['valStress']['transforms'][n]['highPriorityShown'])}" for x in keys) + " |")
        w("")
    w("Shipping rule for a new version: " + dev["rule"][0] + "\n")
    for r in dev["rule"][1:-1]:
        w(f"   {r}")
    w("\n" + dev["rule"][-1] + "\n")
    for d in dev.get("decisions", []):
        nm = d["numbers"]
        checks = "; ".join(f"{k}: {'yes' if ok else 'no'}" for k, ok in d["checks"].items())
        w(f"- Decision {d['old']} → {d['new']}: **{'shipped' if d['ship'] else 'not shipped'}**. {checks}; original "
          f"criterion 1: {'yes' if d.get('originalCriterion1') else 'no'}. "
          f"(val stress argmax {pct(nm['argmax'][0])} → {pct(nm['argmax'][1])}, high {pct(nm['highPriority'][0])} → "
          f"{pct(nm['highPriority'][1])}, shown high {pct(nm['highPriorityShown'][0])} → {pct(nm['highPriorityShown'][1])}; "
          f"val COVID AUC {f3(nm['valCovidAuc'][0])} → {f3(nm['valCovidAuc'][1])}; val balanced accuracy "
          f"{f3(nm['valBalancedAccuracy'][0])} → {f3(nm['valBalancedAccuracy'][1])}.)")
    for note in dev.get("notes", []):
        w(f"- {note}")


def main():
    man = read_json(os.path.join(MODEL_DIR, "model.json"))
    m = read_json(os.path.join(MODEL_DIR, "metrics.json"))
    log = [json.loads(line) for line in open(os.path.join(MODEL_DIR, "training_log.jsonl"))]
    epochs = [e for e in log if e["event"] == "epoch"]
    train_minutes = sum(e["seconds"] for e in epochs) / 60
    lat_path = os.path.join(MODEL_DIR, "latency.json")
    lat = read_json(lat_path) if os.path.exists(lat_path) else None
    stress_path, dev_path = os.path.join(MODEL_DIR, "stress.json"), os.path.join(MODEL_DIR, "development.json")
    stress = read_json(stress_path) if os.path.exists(stress_path) else None
    dev = read_json(dev_path) if os.path.exists(dev_path) else None
    pc, auc = m["perClass"], m["rocAuc"]
    cov = m["covidOperatingPoints"]
    th = man["thresholds"]
    out = []
    w = out.append

    w(f"# Model card: {man['name']} {man['version']}\n")
    w("**Intended use: prioritisation and research, not diagnosis.** The model sorts a worklist of adult frontal "
      "chest X-rays so that films it finds COVID-19-like are read first, and marks images it does not recognise as "
      "unfamiliar. A radiologist reads every film; the output is never a finding. Not for children, lateral views, "
      "CT, or any other body part; not validated outside the development pool described below.\n")
    w("> **Read first.** Every COVID-19 image in the training pool is a publication figure, and every normal/pneumonia "
      "image from Ozturk is an NIH film from one hospital. Test-split numbers therefore **overstate** real-world "
      "performance, possibly by a lot; the per-source results and the source probe below show how much of the "
      "shortcut is left. There was no external test set.\n")

    # ------------------------------------------------------------------ targets
    w("## Targets and what was reached (test split, used once)\n")
    w("| target | goal | reached |\n|---|---|---|")
    w(f"| COVID sensitivity (argmax) | ≥ 0.93 | {f3(pc['covid']['sensitivity'])} |")
    w(f"| COVID PPV (argmax) | ≥ 0.95 | {f3(pc['covid']['ppv'])} |")
    w(f"| COVID sensitivity / PPV at the *high-priority* threshold (chosen on val) | | "
      f"{f3(cov['priorityHigh']['sensitivity'])} / {f3(cov['priorityHigh']['ppv'])} |")
    w(f"| COVID ROC AUC | ≥ 0.98 | {f3(auc['covid']['auc'])} (95 % CI {f3(auc['covid']['ci95'][0])}–{f3(auc['covid']['ci95'][1])}) |")
    w(f"| macro accuracy (mean per-class sensitivity) | ≥ 0.90 | {f3(m['macroAccuracy'])} |")
    w(f"| ECE (15 bins, calibrated) | ≤ 0.05 | {f3(m['ece']['calibrated'])} (uncalibrated {f3(m['ece']['uncalibrated'])}) |")
    w(f"| model size | ≤ 20 MB | {man['sizeBytes'] / 1e6:.2f} MB |")
    if lat:
        w(f"| onnxruntime-node CPU batch 1, median | ≤ 40 ms | {lat['onnxruntimeNode']['medianMs']:.1f} ms |")
    if stress and "test" in stress:
        sp = stress["test"]["pooled"]["allShifted"]
        w(f"| COVID-negative films from other hospitals called COVID (reference CNN: ~95 %) | far below 95 % | "
          f"not measurable here (no external films); proxy, stress test on test NIH films (mean of "
          f"{len(sp['transforms'])} simulated styles): argmax {pct(sp['calledCovidArgmax'])}, high priority "
          f"{pct(sp['highPriority'])}, shown as high (passes the OOD guard) {pct(sp['highPriorityShown'])} |")
    w("")
    met = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    w("Targets " + ", ".join([
        f"COVID sensitivity {met(pc['covid']['sensitivity'] >= 0.93)}",
        f"PPV {met(pc['covid']['ppv'] >= 0.95)}",
        f"AUC {met(auc['covid']['auc'] >= 0.98)}",
        f"macro accuracy {met(m['macroAccuracy'] >= 0.90)}",
        f"ECE {met(m['ece']['calibrated'] <= 0.05)}",
    ]) + "; the external-film target can only be judged on external films (the stress test is a proxy, see its "
      "section). Nothing was tuned on the test split; a missed target is reported as measured, not worked around.\n")

    # ------------------------------------------------------------------ model
    w("## Model\n")
    w(f"- Compact CNN trained from scratch (no pretrained weights): 8 conv3×3–BN–ReLU layers "
      f"(24-32-32-64-64-128-128-160 channels, 4 stride-2), global average pooling, dropout 0.3, linear → 3 classes; "
      f"{man['sizeBytes'] / 1e6:.2f} MB ONNX (opset {man['opset']}), dynamic batch.")
    w(f"- Input `{man['input']['name']}` {man['input']['shape']} float32; preprocessing in "
      f"[preprocessing.md](preprocessing.md): 0.5–99.5 percentile window of the stored values, MONOCHROME1 inverted, "
      f"area resize to long side 224, global histogram equalisation, centred zero padding, (v−0.5)/0.25.")
    w(f"- Outputs: `logits` [N,3]; `probabilities` [N,3] = softmax(logits / T), T = {man['temperature']:.3f} fitted "
      f"on val; `ood` [N] = Mahalanobis distance of the pooled last-layer features to the nearest training class mean "
      f"(shared Ledoit-Wolf covariance, inverse precomputed into the graph), **larger = more unfamiliar**; `cam` "
      f"[N,3,14,14] = Grad-CAM of each class at the last conv layer, computed in the graph (next section).")
    w(f"- Labels in output order: {', '.join(man['labels'])}.")
    w(f"- Triage rule (`app/shared/ai/postprocess.ts`): if ood > {th['ood']['threshold']:.3f} → "
      f"\"AI result unreliable for this image\" (not ranked); else calibrated P(COVID) ≥ {th['priority']['high']:.4f} "
      f"→ high, ≥ {th['priority']['medium']:.4f} → medium, otherwise low. On val the high threshold is the COVID "
      f"sensitivity ≥ 0.95 point (val sensitivity {f3(th['priority']['val']['high']['valSensitivity'])}, specificity "
      f"{f3(th['priority']['val']['high']['valSpecificity'])}), medium the ≥ 0.99 point (val sensitivity "
      f"{f3(th['priority']['val']['medium']['valSensitivity'])}, specificity {f3(th['priority']['val']['medium']['valSpecificity'])}).")
    tr = man["training"]
    a = log[0]["args"]
    ema = f", weights averaged (EMA decay {a['ema_decay']})" if a.get("ema_decay") else ""
    w(f"- Training: seed {tr['seed']}, AdamW (weight decay 5e-4) + one-cycle LR (peak {a['lr']}), {a['epochs']} epochs × "
      f"{a['draws']} weighted draws (batch {a['batch']}){ema}; checkpoint chosen on val (score = balanced accuracy + "
      f"mean one-vs-rest AUC; epoch {tr['epoch']}); {train_minutes:.0f} min wall time on 2 shared CPU cores, "
      f"{tr['framework']}. Full log: [training_log.jsonl](training_log.jsonl).")
    if a.get("recipe") == "v1.1":
        sampling = ("within a label over image origin (NIH film vs publication figure) ∝ √count, as in v1"
                    if a.get("sampling") == "sqrt" else
                    f"within a label a fixed share of publication figures ({a['figure_share_normal']:.0%} of normal and "
                    f"{a['figure_share_pneumonia']:.0%} of pneumonia draws: the 6 + 56 non-COVID figures are the only "
                    f"counter-examples of the shortcut)")
        w(f"- Against the source shortcut (recipe v1.1): sampling balanced over labels and {sampling}; on "
          f"{a.get('style_p', 0.75):.0%} of draws, *hospital styles* first (`data.hospital_style`, random parameters, on NIH films and figures alike): "
          f"lung-centred crops, a child-like field (chest at 50–90 % size in a larger dark field, sometimes narrower), "
          f"gamma or S-curve tone, strong unsharp masking (CR/DR edge enhancement, radius 2–12 px, 100–400 %), "
          f"blur, additive or signal-dependent noise, collimation edges, L/R markers and text; then the v1 "
          f"augmentation below.")
    w("- " + ("Also (as in v1): " if a.get("recipe") == "v1.1" else "Against the source shortcut: sampling balanced "
      "over labels and, within a label, over image origin (NIH film vs publication figure, ∝ √count); ") + "augmentation with burnt-in letters/arrows and figure-like frames "
      "on *all* images, crops keeping 70–100 % of each side (cut borders and text, and give NIH films the padding "
      "that figures have), ±10° rotation, horizontal flips (no vertical flips), resolution loss, blur, unsharp masking, "
      "JPEG re-encoding at quality 15–95, gamma/contrast, Gaussian noise, intensity jitter and cut-out; histogram "
      "equalisation in the preprocessing; and a gradient-reversal adversary (Ganin & Lempitsky 2015, weight ramped "
      "to 0.2) that tries to predict the origin from the pooled features of non-COVID images.\n")

    # ------------------------------------------------------------------ data
    w("## Data\n")
    counts = tr["data"]["counts"]
    w("Pool `cxr-v1` (`shared/datasets/cxr-v1`, not redistributed with the app), fixed patient-level split:\n")
    w("| split | label | Ozturk (NIH films; COVID = Cohen copies) | Cohen | total |\n|---|---|---:|---:|---:|")
    for split in ("train", "val", "test"):
        for lab in LABELS:
            c = counts[split].get(lab, {})
            w(f"| {split} | {lab} | {c.get('ozturk', 0)} | {c.get('cohen', 0)} | {sum(c.values())} |")
    w("")
    w("- **Ozturk et al. 2020** (github.com/muhammedtalo/COVID-19): normal (`No_findings`) and pneumonia are NIH "
      "ChestX-ray8 films; its COVID folder holds copies of Cohen images. No licence stated.")
    w("- **Cohen et al. 2020**, COVID-19 image data collection: figures from papers and case-report websites; "
      "per-image licences (Apache 2.0, CC BY, CC BY-SA, CC BY-NC-SA, CC BY-NC-ND, or unspecified).")
    w("- **NIH ChestX-ray8** (Wang et al. 2017): NIH Clinical Center terms (acknowledge the NIH CC, cite the paper).")
    w("- **What the NC-SA / NC-ND licences mean for redistribution.** *NC* (non-commercial): the images may not be "
      "used or shared for commercial advantage, so they cannot ship inside a commercial product or its installer. "
      "*SA* (share-alike): adapted versions (crops, resized copies) may only be shared under the same licence. "
      "*ND* (no derivatives): modified versions may not be shared at all, only the unmodified original with "
      "attribution. This is why no dataset image, crop, thumbnail or Grad-CAM overlay of one is in this repository "
      "or in the app. Whether model weights trained on NC data can be used commercially is legally unsettled; treat "
      "this model as research-only.")
    w("- Labels: NIH labels were mined from reports by NLP (≈ 90 % precision; `Pneumonia` is weak); Cohen "
      "`No Finding` films are mostly from COVID patients; Cohen figures over-represent severe, typical cases.\n")

    # ------------------------------------------------------------------ results
    w(f"## Results on the test split (n = {m['n']}, used once)\n")
    w("| class | n | sensitivity | specificity | PPV | F1 | ROC AUC [95 % CI] |\n|---|---:|---:|---:|---:|---:|---|")
    for lab in LABELS:
        p, a = pc[lab], auc[lab]
        w(f"| {lab} | {p['n']} | {f3(p['sensitivity'])} | {f3(p['specificity'])} | {f3(p['ppv'])} | {f3(p['f1'])} | "
          f"{f3(a['auc'])} [{f3(a['ci95'][0])}, {f3(a['ci95'][1])}] |")
    w(f"\nAccuracy {f3(m['accuracy'])}; macro accuracy (mean sensitivity) {f3(m['macroAccuracy'])}. AUC intervals: "
      f"2,000 patient-level bootstrap resamples. Sensitivity etc. use the argmax label.\n")
    cm = m["confusionMatrix"]["matrix"]
    w("Confusion matrix (rows = truth, columns = prediction):\n")
    w("| | " + " | ".join(LABELS) + " |\n|---|---:|---:|---:|")
    for lab, row in zip(LABELS, cm):
        w(f"| **{lab}** | " + " | ".join(str(v) for v in row) + " |")
    w("\n![confusion matrix](confusion.png) ![ROC](roc.png)\n")
    w("COVID operating points on test:\n")
    w("| rule | threshold (P(COVID)) | sensitivity | specificity | PPV | images flagged |\n|---|---:|---:|---:|---:|---:|")
    for name, key in (("argmax", "argmax"), ("high priority", "priorityHigh"), ("high or medium priority", "priorityMedium")):
        o = cov[key]
        thr = "—" if o["threshold"] is None else f"{o['threshold']:.4f}"
        w(f"| {name} | {thr} | {f3(o['sensitivity'])} | "
          f"{f3(o['specificity'])} | {f3(o['ppv'])} | {o['called']} |")
    w(f"\n**Calibration.** Temperature T = {man['temperature']:.3f} (val NLL). ECE (15 equal-width bins, top-label "
      f"confidence) on test: {f3(m['ece']['calibrated'])} calibrated, {f3(m['ece']['uncalibrated'])} before "
      f"temperature scaling.\n\n![reliability diagram](reliability.png)\n")

    # ------------------------------------------------------------------ shortcut
    w("## The source shortcut\n")
    w("Per origin on test (*figure* = Cohen images, incl. Ozturk's COVID copies; *nih* = Ozturk normal/pneumonia):\n")
    w("| truth / origin | n | predicted covid / normal / pneumonia | called COVID (argmax) | flagged high priority |"
      "\n|---|---:|---|---:|---:|")
    for k, v in m["perOrigin"].items():
        p = v["predicted"]
        w(f"| {k} | {v['n']} | {p['covid']} / {p['normal']} / {p['pneumonia']} | {pct(v['calledCovidArgmax'])} | "
          f"{pct(v['calledCovidHighPriority'])} |")
    fig_nc = [v for k, v in m["perOrigin"].items() if k.endswith("/figure") and not k.startswith("covid")]
    n_fig = sum(v["n"] for v in fig_nc)
    called = sum(v["calledCovidArgmax"] * v["n"] for v in fig_nc)
    w(f"\n**Cohen (figure) non-COVID films called COVID: {int(round(called))} of {n_fig} "
      f"({pct(called / max(1, n_fig))}).** With only {n_fig} such test films the estimate is very uncertain; it is the "
      f"closest thing in the pool to an external COVID-negative test. It is *not* comparable with the reference CNN's "
      f"~95 % on external COVID-negative films: those were other hospitals' films, these are publication figures of "
      f"the same collection as the COVID class. " + (
          f"What it shows is that {pct(called / max(1, n_fig))} of the non-COVID figures are called COVID while only "
          f"{pct(sum(v['calledCovidArgmax'] * v['n'] for k, v in m['perOrigin'].items() if k.endswith('/nih')) / max(1, sum(v['n'] for k, v in m['perOrigin'].items() if k.endswith('/nih'))))} "
          f"of NIH films are: the model still leans on the source.\n"))
    sp = m["sourceProbe"]
    w("**Source probe.** A logistic regression (standardised features, balanced classes) trained on the train split "
      "to tell NIH films from publication figures among **non-COVID** images, from the 160-d pooled features:\n")
    w("| features | test AUC (n figure / nih) | val+test AUC | val+test balanced accuracy |\n|---|---|---:|---:|")
    for name, label in (("trainedModelFeatures", "this model"), ("randomInitFeatures", "same network, random weights (baseline)")):
        t, vt = sp[name]["test"], sp[name]["valPlusTest"]
        w(f"| {label} | {f3(t['auc'])} ({t['nFigure']} / {t['nNih']}) | {f3(vt['auc'])} | {f3(vt['balancedAccuracy'])} |")
    tm, rb = sp["trainedModelFeatures"]["valPlusTest"]["auc"], sp["randomInitFeatures"]["valPlusTest"]["auc"]
    verdict = ("higher than" if tm > rb + 0.01 else "about the same as" if abs(tm - rb) <= 0.01 else "lower than")
    w(f"\nThe origin is {'as decodable from this model' + chr(39) + 's features as from random ones' if tm >= rb - 0.01 else 'somewhat less decodable from this model' + chr(39) + 's features than from random ones, but still well above chance'} ({f3(tm)} vs {f3(rb)}, "
      f"{verdict} the baseline): the gradient-reversal adversary and the augmentation did **not** remove the source "
      f"information from the features; they can at most have reduced how much the classifier relies on it.")
    w("\nAn AUC near 0.5 would mean the features carry no origin information; near 1, that the origin is still "
      "decodable (the classifier *may* use it). Even random convolutional features separate the two origins, which "
      "is why pixel statistics alone must not be trusted as a diagnosis signal here.\n")
    bm = m["faithfulness"]["camMassOutsideCentral80pct"]
    w("**Where the maps look.** Share of the predicted class's CAM mass outside the central 80 % × 80 % of the image "
      "content (that band is 36 % of the content area, plus the padding), mean per cell: " +
      "; ".join(f"{k} {pct(v)}" for k, v in bm.items()) + ". High values mean attention on borders, text or "
      "padding rather than the lungs.\n")

    # ------------------------------------------------------------------ OOD
    o = m["ood"]
    w("## Unfamiliar-image guard (`ood`)\n")
    w(f"Threshold {o['threshold']:.3f} on the Mahalanobis distance (larger = more unfamiliar), set so that 95 % of val "
      f"images pass (val pass rate {pct(th['ood']['valPassRate'])}). Firing rate = share of images reported as "
      f"\"AI result unreliable\":\n")
    w("| images | n | firing rate | median ood | argmax = COVID |\n|---|---:|---:|---:|---:|")
    for k, v in o["groups"].items():
        w(f"| {k} | {v['n']} | {pct(v['firingRate'])} | {v['median']:.2f} | {pct(v['calledCovidArgmax'])} |")
    w("\nTransformed test images (inverted = MONOCHROME1/2 mix-up, rotations, upside down, heavy crops) are made at "
      "evaluation time and not stored. Phantoms and patterns are generated by `models/training/synthetic.py`. "
      "![ood scores](ood.png)\n")

    # ------------------------------------------------------------------ stress test
    if stress:
        stress_section(w, stress, man, dev)

    # ------------------------------------------------------------------ explainability
    fa = m["faithfulness"]
    w("## Grad-CAM\n")
    w("For a global-average-pool + linear head, d(logit_c)/dA_k(i,j) = w_ck/(h·w), so Grad-CAM is "
      "ReLU(Σ_k w_ck·A_k)/(h·w). The graph computes ReLU(Σ_k w_ck·A_k) at the last conv layer (14×14) for all three "
      "classes and divides each map by its maximum + 1e-8, so maps lie in [0, 1] (all zero when there is no positive "
      "evidence). `models/training/tests/test_gradcam.py` compares it with Grad-CAM from autograd hooks on the same "
      "layer (relative error ≤ 1e-4, synthetic images), and the vitest parity test compares onnxruntime's `cam` with "
      "PyTorch's.\n")
    d = fa["deletion"]
    w(f"**Deletion test** (test split, n = {d['n']}; the 10 % of pixels with the highest upsampled CAM of the "
      f"predicted class set to 0 = mid-grey): mean drop in the calibrated probability of that class "
      f"{d['meanDrop']['topCam']:.3f} vs {d['meanDrop']['randomPixels']:.3f} for 10 % random pixels and "
      f"{d['meanDrop']['otherImageCam']:.3f} for the top 10 % of *another* image's CAM; top-CAM masking hurt more than "
      f"random pixels on {pct(d['fractionTopCamBeatsRandom'])} of images and more than another image's map on "
      f"{pct(d['fractionTopCamBeatsOtherImageCam'])}.\n")
    w("**Weight randomisation** (Adebayo et al. 2018, cascading from the head down; Spearman rank correlation of the "
      "predicted class's 14×14 map with the trained model's, mean over test):\n")
    w("| randomised up to | mean Spearman ρ | mean abs ρ |\n|---|---:|---:|")
    for r in fa["randomisation"]:
        w(f"| {r['randomisedUpTo']} | {r['meanSpearman']:.3f} | {r['meanAbsSpearman']:.3f} |")
    w("\nLow correlations mean the maps depend on the learned weights (the test passes); maps that stayed similar "
      "would behave like an edge detector.\n")
    w("Examples on synthetic images only (dataset pixels may not be redistributed, see Data). The phantoms are "
      "cartoons, not radiographs: the maps show the mechanics (letterbox, scale), not clinical behaviour. One "
      "thing they do show: on the small letterboxed phantom (`tiny_8bit`) the model's COVID evidence sits on the "
      "edge between image and padding, i.e. on the frame, not the lungs; every phantom is flagged by `ood`.\n\n"
      "![Grad-CAM on synthetic images](gradcam_synthetic.png)\n")

    # ------------------------------------------------------------------ latency
    w("## Size and speed\n")
    if lat:
        pt = lat.get("pytorch") or {}
        w(f"`bench/model.bench.ts` on this project's 2-core build machine (shared with other jobs), batch 1, "
          f"threads: {lat['threads']}, {lat['runs']} runs after warm-up, 1-min load average {lat.get('loadAverage1m', float('nan')):.1f} during the run: onnxruntime-node {lat['onnxruntimeNode']['version']} "
          f"median {lat['onnxruntimeNode']['medianMs']:.2f} ms (p90 {lat['onnxruntimeNode']['p90Ms']:.2f} ms); "
          f"{pt.get('runtime', 'PyTorch')} ({pt.get('weights', '')} weights) median {pt.get('medianMs', float('nan')):.2f} ms; ratio PyTorch/ORT "
          f"{lat['ratioPytorchOverOrt']:.2f}. TS preprocessing of a 2048×2048 16-bit image: "
          f"{lat['preprocess2048x2048u16MedianMs']:.0f} ms. Model file {man['sizeBytes'] / 1e6:.2f} MB. "
          f"On this shared machine the figures vary several-fold with other jobs' load (with 2 threads, onnxruntime medians "
          f"between ~1 and ~3 ms and PyTorch medians between ~3 and ~100 ms were seen the same day; one thread is "
          f"the stable setting); the 40 ms target is met with a wide margin either way.\n")
    else:
        w("Run `npx tsx bench/model.bench.ts`.\n")

    # ------------------------------------------------------------------ limitations
    w("## Known limitations\n")
    w("- **No external validation.** All numbers come from one pool whose COVID class is a single, distinctive source. "
      "Expect much worse results on films from other hospitals; the reference CNN's external COVID AUC was 0.66.")
    w("- Small test split (50 COVID, 74 normal, 87 pneumonia; 14 non-COVID publication figures): wide intervals.")
    w("- COVID vs other viral/bacterial pneumonia is not separable reliably from a radiograph; 'covid' here means "
      "'looks like the COVID figures of the Cohen collection'.")
    w("- Adults, frontal (PA/AP) only. Children, laterals, portable films with lines and tubes, and post-operative "
      "chests are under-represented or absent; the OOD guard catches gross mismatches (other body parts, patterns) "
      "but not subtle ones (see firing rates).")
    w("- The OOD score uses the class-conditional Gaussian assumption on 160 features fitted on ~1,000 images; it is "
      "a coarse guard, not a guarantee.")
    w("- Grad-CAM at 14×14 is coarse and shows where evidence for a class was found, not why; a deletion test passed "
      "on average does not make every map faithful.")
    w("- Labels are noisy (NLP-mined NIH labels, Cohen `No Finding` from COVID patients).")
    w("- The priority thresholds come from the val COVID-sensitivity points; because the calibrated COVID probability "
      "is low for many non-COVID films, the *high* band is not selective (on test it holds "
      f"{cov['priorityHigh']['called']} of {m['n']} films, PPV {f3(cov['priorityHigh']['ppv'])}). Use it to move films "
      "up a queue, never to rule COVID-19 in or out.")
    w("- Internal performance is far below the issue's targets (see the first table): the measures against the source "
      "shortcut, the small from-scratch network and a 40-epoch CPU schedule cost internal accuracy, and pneumonia "
      "vs normal on NIH films (weak NLP labels) is the weakest distinction.")
    if stress:
        st = (stress.get("test") or stress["val"])["transforms"]
        worst = sorted(((v["highPriorityShown"], k) for k, v in st.items() if k != "identity"), reverse=True)[:3]
        child = [k for k in st if k.startswith("child") or k == "combo_child"]
        w("- Style shift (stress test, simulated): the share of COVID-negative NIH films shown as high priority rises "
          f"from {pct(st['identity']['highPriorityShown'])} (unchanged) to " +
          ", ".join(f"{pct(v)} ({k})" for v, k in worst) + "; child-like films are flagged unreliable by the OOD guard "
          f"in {pct(min(st[k]['oodFlagged'] for k in child))}–{pct(max(st[k]['oodFlagged'] for k in child))} of cases "
          "depending on the variant (the narrowed-only variant least), the rest are ranked like adult films. Real "
          "other-hospital films and children may behave differently.")
    w("- Licences: several training images are CC BY-NC(-SA/-ND); research use only.\n")
    w("## Development history (for honesty about the test split)\n")
    if dev:
        history_section(w, dev, man)
    w("- A first run (80 epochs × 1,024 draws, lr 2e-3, no weight averaging) was stopped at epoch 28: the shared "
      "2-core machine became ~6× slower under other jobs, so it could not finish in time, and its val metrics swung "
      "strongly from epoch to epoch (best val balanced accuracy 0.73). The shipped run uses a shorter schedule and "
      "weight averaging (EMA), both decided from the val curves.")
    w("- While building the pipeline, `evaluate.py` was run once on the test split with an early checkpoint of that "
      "first run (epoch 10) to debug the code. Those numbers were discarded; no choice (architecture, augmentation, "
      "schedule, thresholds) was based on them. The shipped model was evaluated on test once.\n")
    w("## Reproduce\n")
    w("```\ncd models/training\nmake all     # train (10-60 min on 2 shared cores) → calibrate → export → evaluate → card\nmake stress  # stress test, val + test (once per version) → stress.json; then make card again\nmake test    # "
      "Grad-CAM and preprocessing checks\n```\nThen `npx vitest run tests/unit/shared/ai` and `npx tsx bench/model.bench.ts`. "
      "Seeded (seed above); reruns on the same machine and library versions give the same numbers (thread scheduling "
      "in oneDNN may still cause tiny float differences across machines).\n")
    w("## References\n")
    w("Ozturk et al., Comput Biol Med 121:103792 (2020) · Cohen, Morrison, Dao, arXiv:2003.11597 (2020) · Wang et al., "
      "ChestX-ray8, CVPR 2017 · DeGrave, Janizek, Lee, Nat Mach Intell 3:610 (2021) · Raghu et al., Transfusion, "
      "NeurIPS 2019 · Selvaraju et al., Grad-CAM, ICCV 2017 · Adebayo et al., Sanity checks for saliency maps, "
      "NeurIPS 2018 · Lee et al., Mahalanobis OOD, NeurIPS 2018 · Guo et al., On calibration, ICML 2017 · Ganin & "
      "Lempitsky, ICML 2015.")
    with open(os.path.join(MODEL_DIR, "MODEL_CARD.md"), "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote MODEL_CARD.md")


if __name__ == "__main__":
    main()
