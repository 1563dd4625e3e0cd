"""Style-shift stress test: a proxy for "COVID-negative films from other hospitals".

Takes the NIH films (Ozturk normal + pneumonia, all from one hospital) of a split and applies fixed,
seeded transformations that mimic other hospitals' acquisition/processing and children, then runs
them through the exported pipeline: preprocessing.py (the reference the app's preprocess.ts matches
bit for bit) + the ExportWrapper of a run (the PyTorch twin of model.onnx; onnxruntime is not
installed for Python here, the vitest parity fixture shows the two agree). Every film is COVID-negative,
so every COVID call is a false alarm. Reported per transformation:
  calledCovidArgmax  share with argmax = covid
  highPriority       share with calibrated P(covid) >= the run's high-priority threshold
  highPriorityShown  the same, but only if ood <= threshold (what the app would show as "high")
  oodFlagged         share with ood > threshold ("AI result unreliable")
  meanPCovid         mean calibrated P(covid)
and, as a check that COVID calls were not just switched off, the same transformations on the split's
COVID images (all publication figures): covidSensitivityArgmax / covidSensitivityHigh.

The val split is for choosing; the test split is run once per model version, for the card.
Usage: stress.py --split val [--split test] [--run-dir runs/x] [--out file.json]
"""
import argparse
import io
import os
import random
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from common import RUN_DIR, read_json, run_batches, seed_everything, write_json
from data import load_gray
from features import load_wrapper, split_records
from preprocessing import preprocess

_FONT = ImageFont.load_default()

# Families that data.hospital_style (recipe v1.1 training) never applies: an honest held-out subset.
HELD_OUT_V11 = ["log_film_lut", "denoise_median", "hist_flat", "combo_film"]


# ----------------------------------------------------------------------------- primitive transforms
def lut(img, f):
    x = np.arange(256) / 255.0
    return img.point([int(round(255 * v)) for v in np.clip(f(x), 0, 1)])


def gamma(g):
    return lambda img, rng: lut(img, lambda x: x ** g)


def s_curve(img, rng, gain=10.0):
    def f(x):
        y = 1 / (1 + np.exp(-gain * (x - 0.5)))
        return (y - y[0]) / (y[-1] - y[0])
    return lut(img, f)


def log_film(img, rng, a=30.0):
    return lut(img, lambda x: np.log1p(a * x) / np.log1p(a))


def unsharp_strong(img, rng):
    return img.filter(ImageFilter.UnsharpMask(radius=8, percent=300, threshold=0))


def denoise_median(img, rng):
    return img.filter(ImageFilter.MedianFilter(7)).filter(ImageFilter.GaussianBlur(1.0))


def blur_heavy(img, rng):
    return img.filter(ImageFilter.GaussianBlur(3.0))


def noise(img, rng, sigma=15.0):
    a = np.asarray(img).astype(np.float32)
    n = np.random.default_rng(rng.getrandbits(32)).normal(0, sigma, a.shape)
    return Image.fromarray(np.clip(a + n, 0, 255).astype(np.uint8))


def down_up(f):
    def t(img, rng):
        w, h = img.size
        return img.resize((max(8, int(w * f)), max(8, int(h * f))), Image.BILINEAR).resize((w, h), Image.BILINEAR)
    return t


def hist_flat(img, rng):
    return ImageOps.equalize(img)


def frame(value, frac=0.10):
    def t(img, rng):
        w, h = img.size
        img = img.copy()
        d = ImageDraw.Draw(img)
        bw, bh = int(frac * w), int(frac * h)
        d.rectangle([0, 0, w, bh], fill=value)
        d.rectangle([0, h - bh, w, h], fill=value)
        d.rectangle([0, 0, bw, h], fill=value)
        d.rectangle([w - bw, 0, w, h], fill=value)
        return img
    return t


def _text(img, xy, text, scale, value):
    tile = Image.new("L", (6 * len(text) + 4, 12), 0)
    ImageDraw.Draw(tile).text((2, 0), text, fill=255, font=_FONT)
    tile = tile.resize((int(tile.width * scale), int(tile.height * scale)))
    img.paste(value, xy, tile)


def markers_text(img, rng):
    w, h = img.size
    img = img.copy()
    s = max(w, h) / 512
    side = rng.choice(["L", "R"])
    x = int(0.06 * w) if side == "R" else int(0.86 * w)
    box = Image.new("L", (16, 18), 0)
    d = ImageDraw.Draw(box)
    d.rectangle([0, 0, 15, 17], outline=255)
    d.text((5, 3), side, fill=255, font=_FONT)
    box = box.resize((int(16 * 3 * s), int(18 * 3 * s)))
    img.paste(255, (x, int(0.08 * h)), box)
    _text(img, (int(0.03 * w), int(0.92 * h)), "PORTABLE AP  SUPINE", 2.0 * s, 235)
    _text(img, (int(0.55 * w), int(0.02 * h)), "ST. ELSEWHERE 2020-03-14", 1.6 * s, 235)
    return img


def jpeg(q):
    def t(img, rng):
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=q)
        buf.seek(0)
        return Image.open(buf).convert("L")
    return t


def rotate(deg):
    def t(img, rng):
        return img.rotate(deg * rng.choice([-1, 1]), resample=Image.BILINEAR, fillcolor=0)
    return t


def child_padded(scale=0.6, narrow=1.0):
    """The chest occupies a smaller central part of a larger field (dark air background with a little
    noise), optionally narrower (children's chests are relatively wider at the base, films are often
    collimated narrow)."""
    def t(img, rng):
        w, h = img.size
        cw, ch = int(w * scale * narrow), int(h * scale)
        chest = img.resize((cw, ch), Image.BILINEAR)
        bg = float(np.percentile(np.asarray(img), 2)) + 8
        field = np.random.default_rng(rng.getrandbits(32)).normal(bg, 2, (h, w))
        out = Image.fromarray(np.clip(field, 0, 255).astype(np.uint8))
        out.paste(chest, ((w - cw) // 2, int((h - ch) * 0.4)))
        return out
    return t


def narrow(f=0.75):
    def t(img, rng):
        w, h = img.size
        return img.resize((int(w * f), h), Image.BILINEAR)
    return t


def chain(*ts):
    def t(img, rng):
        for f in ts:
            img = f(img, rng)
        return img
    return t


TRANSFORMS = {
    "identity": lambda img, rng: img,
    "gamma_0.6": gamma(0.6),
    "gamma_1.5": gamma(1.5),
    "s_curve": s_curve,
    "log_film_lut": log_film,
    "unsharp_strong": unsharp_strong,
    "denoise_median": denoise_median,
    "blur_heavy": blur_heavy,
    "noise_sigma15": noise,
    "downscale_upscale_0.25": down_up(0.25),
    "hist_flat": hist_flat,
    "frame_black": frame(0),
    "frame_white": frame(255),
    "markers_text": markers_text,
    "jpeg_q10": jpeg(10),
    "rotate_7deg": rotate(7),
    "child_padded": child_padded(0.6),
    "child_narrow": narrow(0.75),
    "child_padded_narrow": child_padded(0.6, 0.8),
    "combo_cr": chain(gamma(0.6), unsharp_strong, frame(0, 0.06), markers_text),
    "combo_portable": chain(noise, down_up(0.5), rotate(5), jpeg(20)),
    "combo_child": chain(child_padded(0.65, 0.85), unsharp_strong, markers_text),
    "combo_film": chain(log_film, denoise_median, hist_flat),
}


def transformed(records, name):
    out = []
    for r in records:
        rng = random.Random(zlib.crc32(f"{r.id}/{name}".encode()))  # fixed per image and transformation
        img = TRANSFORMS[name](load_gray(r.path), rng)
        out.append(preprocess(np.asarray(img)))
    return np.stack(out)


def stress_split(wrapper, cal, split):
    recs = split_records(split)
    nih = [r for r in recs if r.origin == "nih" and r.label != 0]
    covid = [r for r in recs if r.label == 0]
    high, ood_t = cal["priority"]["high"]["threshold"], cal["ood"]["threshold"]
    rows = {}
    for name in TRANSFORMS:
        _, p, ood, _ = run_batches(lambda t: wrapper(t), transformed(nih, name))
        _, pc, _, _ = run_batches(lambda t: wrapper(t), transformed(covid, name))
        rows[name] = {
            "n": len(nih),
            "calledCovidArgmax": float((p.argmax(1) == 0).mean()),
            "highPriority": float((p[:, 0] >= high).mean()),
            "highPriorityShown": float(((p[:, 0] >= high) & (ood <= ood_t)).mean()),
            "oodFlagged": float((ood > ood_t).mean()),
            "meanPCovid": float(p[:, 0].mean()),
            "covidN": len(covid),
            "covidSensitivityArgmax": float((pc.argmax(1) == 0).mean()),
            "covidSensitivityHigh": float((pc[:, 0] >= high).mean()),
        }
        print(split, name, {k: round(v, 3) for k, v in rows[name].items()}, flush=True)

    def pooled(names):
        keys = [k for k in rows["identity"] if k not in ("n", "covidN")]
        return {k: float(np.mean([rows[n][k] for n in names])) for k in keys} | {"transforms": names}

    shifted = [n for n in TRANSFORMS if n != "identity"]
    return {"split": split, "images": f"{len(nih)} NIH normal+pneumonia films (COVID-negative)",
            "thresholds": {"high": high, "ood": ood_t}, "transforms": rows,
            "pooled": {"allShifted": pooled(shifted),
                       "heldOutFromV11Training": pooled(HELD_OUT_V11),
                       "seenFamiliesV11": pooled([n for n in shifted if n not in HELD_OUT_V11])}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", action="append", choices=["val", "test"], required=True)
    ap.add_argument("--run-dir", default=RUN_DIR)
    ap.add_argument("--out", default=None, help="default: <run-dir>/stress.json")
    ap.add_argument("--model-json", default=None, help="check that the run's thresholds are the shipped ones")
    args = ap.parse_args()
    seed_everything()
    cal = read_json(os.path.join(args.run_dir, "calibration.json"))
    if args.model_json:
        th = read_json(args.model_json)["thresholds"]
        assert abs(th["priority"]["high"] - cal["priority"]["high"]["threshold"]) < 1e-9, "run != shipped model"
        assert abs(th["ood"]["threshold"] - cal["ood"]["threshold"]) < 1e-9, "run != shipped model"
    wrapper = load_wrapper(args.run_dir)
    out_path = args.out or os.path.join(args.run_dir, "stress.json")
    res = read_json(out_path) if os.path.exists(out_path) else {}
    res["about"] = ("Style-shift stress test (models/training/stress.py): fixed seeded transformations of "
                    "COVID-negative NIH films; PyTorch twin of model.onnx on reference preprocessing.")
    for split in args.split:
        res[split] = stress_split(wrapper, cal, split)
    write_json(out_path, res)
    for split in args.split:
        p = res[split]["pooled"]
        print(split, "pooled", {k: {m: round(v, 3) for m, v in d.items() if m != "transforms"} for k, d in p.items()})


if __name__ == "__main__":
    main()
