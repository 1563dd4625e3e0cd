"""Does the model (and its OOD guard) accept real-looking DICOM chest films? (issue #9, target: >= 95 %)

Takes a fixed, seeded sample of test-split films (rdb COVID-19, rdb normal, NIH normal/pneumonia), writes
each one as the files a hospital sends, with Debian's dcmtk and GDCM, then runs the app's own pipeline
(`cxr triage`: the app's DICOM decoders, preprocess.ts and onnxruntime-node) on every file:

  png           8-bit PNG (the reference path)
  img2dcm       dcmtk img2dcm of the JPEG: Secondary Capture, JPEG baseline, 8-bit
  cr16          16-bit MONOCHROME2 CR (gdcmimg), a raw-ish log curve over 12 stored bits plus noise
  cr16_mono1    the same stored inverted as MONOCHROME1
  dx16_j2k      the 16-bit file JPEG 2000 (gdcmconv --j2k)
  dx16_jpegls   the 16-bit file JPEG-LS (dcmcjpls)
  dx16_ljpeg    the 16-bit file lossless JPEG SV1 (dcmcjpeg)

Reported per kind and per cell: OOD pass rate, called COVID, share at "high", and |dP(covid)| against
the PNG. Dataset pixels go to a temporary folder and are deleted; nothing is copied into the repo.

  /usr/bin/python3 dicom_films.py [--model ../cxr-tri-v2/model.json] [--per-cell 60] [--out file.json]
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np
from PIL import Image

from common import write_json
from data_v2 import cell_of, read_manifest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CR = "1.2.840.10008.5.1.4.1.1.1"
KINDS = ["png", "img2dcm", "cr16", "cr16_mono1", "dx16_j2k", "dx16_jpegls", "dx16_ljpeg"]


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def raw_curve(v: np.ndarray, seed: int) -> np.ndarray:
    """8-bit display values -> 12 stored bits like an unprocessed CR: log-ish, offset, quantum noise."""
    rng = np.random.default_rng(seed)
    x = v.astype(np.float64) / 255.0
    y = np.log1p(3.0 * x) / np.log1p(3.0)
    y = 0.05 + 0.85 * y + rng.normal(0, 0.004, y.shape)
    return np.clip(np.round(y * 4095), 0, 4095).astype(np.uint16)


def write_variants(src: str, stem: str, out_dir: str, seed: int):
    """Every kind of file for one film; returns {kind: path}."""
    v = np.asarray(Image.open(src).convert("L"))
    paths = {k: os.path.join(out_dir, f"{stem}.{k}.{'png' if k == 'png' else 'dcm'}") for k in KINDS}
    Image.fromarray(v).save(paths["png"])
    jpg = os.path.join(out_dir, f"{stem}.jpg")
    Image.fromarray(v).save(jpg, quality=95)
    run(["img2dcm", jpg, paths["img2dcm"]])
    stored = raw_curve(v, seed)
    for kind, values, pi in (("cr16", stored, "MONOCHROME2"), ("cr16_mono1", 4095 - stored, "MONOCHROME1")):
        raw = os.path.join(out_dir, f"{stem}.{kind}.raw")
        values.astype("<u2").tofile(raw)
        run(["gdcmimg", "-i", raw, "-o", paths[kind], "--size", f"{v.shape[1]},{v.shape[0]}", "--depth", "16",
             "--endian", "LSB", "-C", CR, "--pi", pi, "--pf", "16,12,11"])
        os.remove(raw)
    run(["gdcmconv", "--j2k", paths["cr16"], paths["dx16_j2k"]])
    run(["dcmcjpls", paths["cr16"], paths["dx16_jpegls"]])
    run(["dcmcjpeg", "+e1", paths["cr16"], paths["dx16_ljpeg"]])
    os.remove(jpg)
    return paths


def sample(per_cell: int, seed: int = 20261206):
    recs = [r for r in read_manifest() if r.split == "test" and cell_of(r) in
            ("covid/rdb", "normal/rdb", "normal/nih", "pneumonia/nih")]
    rng = np.random.default_rng(seed)
    out = []
    for c in sorted({cell_of(r) for r in recs}):
        cell = [r for r in recs if cell_of(r) == c]
        out += [cell[i] for i in sorted(rng.choice(len(cell), min(per_cell, len(cell)), replace=False))]
    return out


def triage(folder: str, model: str):
    proc = subprocess.run(["node", os.path.join(ROOT, "bin", "cxr.js"), "triage", folder, "--model", model, "--cpu"],
                          capture_output=True, text=True, cwd=ROOT)
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if not rows:
        raise RuntimeError(f"cxr triage printed nothing: {proc.stderr[-2000:]}")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "cxr-tri-v2", "model.json"))
    ap.add_argument("--per-cell", type=int, default=60)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "cxr-tri-v2", "dicom_films.json"))
    args = ap.parse_args()
    args.model = os.path.abspath(args.model)
    manifest = json.load(open(args.model))
    high = manifest["thresholds"]["priority"]["high"]
    films = sample(args.per_cell)
    tmp = tempfile.mkdtemp(prefix="cxr-dicom-films-")
    try:
        stems = {}
        for i, r in enumerate(films):
            stems[f"f{i:04d}"] = r
            write_variants(r.path, f"f{i:04d}", tmp, i)
        rows = triage(tmp, args.model)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = {}  # (stem, kind) -> row
    errors = []
    for row in rows:
        name = os.path.basename(row["path"])
        stem, kind = name.split(".")[0], name.split(".")[1]
        if "error" in row:
            errors.append({"kind": kind, "error": row["error"]})
            continue
        res[(stem, kind)] = row
    report = {"about": __doc__.split("\n\n")[0], "model": f"{manifest['name']} {manifest['version']}",
              "films": {c: sum(1 for r in films if cell_of(r) == c) for c in sorted({cell_of(r) for r in films})},
              "errors": errors, "kinds": {}}
    for kind in KINDS:
        per = {}
        for c in sorted({cell_of(r) for r in films}):
            got = [(res.get((s, kind)), res.get((s, "png"))) for s, r in stems.items() if cell_of(r) == c]
            got = [(a, b) for a, b in got if a is not None and b is not None]
            if not got:
                per[c] = {"n": 0}
                continue
            p = np.array([a["probabilities"]["covid"] for a, _ in got])
            p_png = np.array([b["probabilities"]["covid"] for _, b in got])
            unreliable = np.array([bool(a["outOfDistribution"]) for a, _ in got])
            per[c] = {"n": len(got), "oodPassRate": float((~unreliable).mean()),
                      "calledCovidArgmax": float(np.mean([a["label"] == "covid" for a, _ in got])),
                      "high": float((p >= high).mean()),
                      "highShown": float(np.mean([a["priority"] == "high" for a, _ in got])), "maxAbsDeltaPCovidVsPng": float(np.abs(p - p_png).max())}
        report["kinds"][kind] = per
        print(kind, json.dumps(per), flush=True)
    for e in errors[:5]:
        print("error", e, flush=True)
    write_json(args.out, report)


if __name__ == "__main__":
    main()
