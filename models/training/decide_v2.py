"""Apply the shipping rule of models/cxr-tri-v2/SELECTION.md (written before any v2 run) and write
models/cxr-tri-v2/decision.json. Uses only train/val-derived figures: the folds (loso.json), the val
stress test (stress.json "val") and both models' val COVID AUC, each computed by the app's own
pipeline (`cxr triage` on the val files), so v1 and v2 are measured the same way.

  /usr/bin/python3 decide_v2.py
"""
import json
import os
import subprocess
import tempfile

import numpy as np
from sklearn.metrics import roc_auc_score

from common import write_json
from features_v2 import split_records

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
V1, V2 = (os.path.join(ROOT, "models", n) for n in ("cxr-tri-v1", "cxr-tri-v2"))


def app_val_auc(model_dir: str) -> float:
    """COVID-vs-rest AUC on the cxr-v2 val films, through `cxr triage` (decoder, preprocess.ts, onnxruntime)."""
    recs = split_records("val")
    label_of = {r.path: r.label for r in recs}
    with tempfile.TemporaryDirectory() as tmp:
        for i, r in enumerate(recs):  # links, so the dataset is read in place and never copied
            os.symlink(r.path, os.path.join(tmp, f"{i:05d}{os.path.splitext(r.path)[1]}"))
        proc = subprocess.run(["node", os.path.join(ROOT, "bin", "cxr.js"), "triage", tmp, "--model",
                               os.path.join(model_dir, "model.json"), "--cpu"], capture_output=True, text=True, cwd=ROOT)
        by_index = {}
        for line in proc.stdout.splitlines():
            row = json.loads(line)
            if "probabilities" in row:
                by_index[int(os.path.basename(row["path"]).split(".")[0])] = row["probabilities"]["covid"]
    idx = sorted(by_index)
    labels = np.array([label_of[recs[i].path] for i in idx])
    return float(roc_auc_score(labels == 0, [by_index[i] for i in idx]))


def main():
    loso = json.load(open(os.path.join(V2, "loso.json")))["folds"]
    stress_v2 = json.load(open(os.path.join(V2, "stress.json")))["val"]["pooled"]["allShifted"]["highPriorityShown"]
    stress_v1 = json.load(open(os.path.join(V1, "stress.json")))["val"]["pooled"]["allShifted"]["highPriorityShown"]
    auc_v1, auc_v2 = app_val_auc(V1), app_val_auc(V2)
    found = {n: f["heldOut"]["covid"]["high"] for n, f in loso.items() if "covid" in f["heldOut"]}
    false_covid = {n: f["heldOut"]["covidNegative"]["calledCovidArgmax"] for n, f in loso.items()
                   if "covidNegative" in f["heldOut"]}
    criteria = [
        {"criterion": "1a. every fold finds >= 0.5 of its held-out COVID films at high",
         "value": json.dumps({k: round(v, 3) for k, v in found.items()}), "pass": all(v >= 0.5 for v in found.values())},
        {"criterion": "1b. every fold calls <= 0.20 of its held-out COVID-negative films COVID (argmax)",
         "value": json.dumps({k: round(v, 3) for k, v in false_covid.items()}),
         "pass": all(v <= 0.20 for v in false_covid.values())},
        {"criterion": "2. cxr-v2 val COVID AUC, v2 >= v1 (both through `cxr triage`)",
         "value": f"v2 {auc_v2:.3f}, v1 {auc_v1:.3f}", "pass": auc_v2 >= auc_v1},
        {"criterion": "3. val stress test, NIH films shown as high (mean of styles), v2 <= v1",
         "value": f"v2 {stress_v2:.3f}, v1 {stress_v1:.3f}", "pass": stress_v2 <= stress_v1},
    ]
    ship = all(c["pass"] for c in criteria)
    decision = {"rule": "SELECTION.md", "criteria": criteria,
                "decision": "ship cxr-tri-v2 as the default" if ship else
                "the rule says keep cxr-tri-v1 as the default (see the failed criteria)"}
    write_json(os.path.join(V2, "decision.json"), decision)
    print(json.dumps(decision, indent=1))


if __name__ == "__main__":
    main()
