"""cxr-tri-v2 data: the cxr-v2 manifest, source x label cells, the "lungs, not the site" augmentation
and the outlier-exposure negatives (issue #9).

Why a second data module: v1 ran its augmentation on full-size images and the reference (bit-exact,
pure-Python) preprocessing for every draw, about 8 images/s on 2 cores. v2 keeps each image in memory
at <= 256 px (every source is resampled to the model's 224 px anyway) and uses `fast_preprocess`, the
same steps as preprocessing.py with PIL's box filter, for training draws only. Validation, calibration,
export and every reported figure still use the reference preprocess().

Confounds in cxr-v2 (its README) and what each augmentation does against it:
- site cues: Spanish laterality markers, dates and PORTABLE/PORTATIL text are burnt into every class
  (`burn_text`); wires, ECG electrodes and AP-like rotation on every class (`portable_look`).
- resolution: rdb films are 224 px JPEGs, cxr-v1 films up to 512 px: every image is randomly taken down
  to 112-224 px and back (`resolution_equalise`).
- aspect: rdb films were squashed square (no letterbox bars), cxr-v1 keeps its aspect (bars): random
  squash/stretch on every image, so bars or their absence say nothing about the label.
- dynamic range: DICOM-like 12-16-bit raw-ish log curves and MONOCHROME1 storage (`dicom_like`), run
  through the same percentile / inversion steps as the app.
"""
import csv
import io
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from data import DrawSampler  # noqa: F401  (re-exported: train_v2 draws the same seeded way as v1)
from model import LABELS
from preprocessing import SPEC, resized_shape

DATASET_DIR = os.environ.get(
    "CXR_V2_DATASET_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../shared/datasets/cxr-v2"))
)
CACHE_LONG_SIDE = 256
SIZE = SPEC["pad"]["size"]


@dataclass(frozen=True)
class Record:
    id: str
    path: str
    label: int
    source: str  # manifest source: ozturk | cohen | rdb
    origin: str  # acquisition group: nih (Ozturk NIH films) | figure (Cohen figures, Ozturk's COVID copies) | rdb
    patient_id: str
    split: str
    license: str


def origin_of(source: str, label: str) -> str:
    """Ozturk's COVID images are copies of Cohen's publication figures, so by style they are "figure"."""
    if source == "rdb":
        return "rdb"
    return "nih" if source == "ozturk" and label != "covid" else "figure"


def read_manifest(dataset_dir: str = DATASET_DIR):
    with open(os.path.join(dataset_dir, "manifest.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Record(id=r["id"], path=os.path.normpath(os.path.join(dataset_dir, r["path"])), label=LABELS.index(r["label"]),
               source=r["source"], origin=origin_of(r["source"], r["label"]), patient_id=r["patient_id"],
               split=r["split"], license=r["license"])
        for r in rows
    ]


def cell_of(r: Record) -> str:
    return f"{LABELS[r.label]}/{r.origin}"


def sampling_weights(records):
    """Each label a third of the draws; within a label, each origin in proportion to sqrt(count), so the
    1,726 rdb COVID films do not drown the 237 figures and the 6 Cohen normals are not repeated to death."""
    cells = {}
    for r in records:
        cells[(r.label, r.origin)] = cells.get((r.label, r.origin), 0) + 1
    labels = sorted({k[0] for k in cells})
    weights = []
    for r in records:
        norm = sum(np.sqrt(n) for k, n in cells.items() if k[0] == r.label)
        share = np.sqrt(cells[(r.label, r.origin)]) / norm
        weights.append((1.0 / len(labels)) * share / cells[(r.label, r.origin)])
    return np.asarray(weights, dtype=np.float64), {f"{LABELS[k[0]]}/{k[1]}": n for k, n in cells.items()}


def load_small(path: str, long_side: int = CACHE_LONG_SIDE) -> np.ndarray:
    """8-bit grayscale at <= long_side px (box filter): what training draws start from."""
    img = Image.open(path).convert("L")
    w, h = img.size
    if max(w, h) > long_side:
        f = long_side / max(w, h)
        img = img.resize((max(1, round(w * f)), max(1, round(h * f))), Image.BOX)
    return np.asarray(img, dtype=np.uint8)


# ----------------------------------------------------------------------------- fast preprocessing
def fast_preprocess(values: np.ndarray, photometric: str = "MONOCHROME2") -> np.ndarray:
    """preprocessing.preprocess with PIL's box resize instead of the bit-exact Python loops (training only)."""
    x = values.astype(np.float32)
    flat = x.reshape(-1)
    n = flat.size
    lo_i, hi_i = ((n - 1) * 5) // 1000, ((n - 1) * 995) // 1000
    part = np.partition(flat, (lo_i, hi_i))
    lo, hi = float(part[lo_i]), float(part[hi_i])
    y = np.clip((x - lo) / (hi - lo), 0, 1) if hi > lo else np.zeros_like(x)
    if photometric == "MONOCHROME1":
        y = 1.0 - y
    rows, cols = y.shape
    out_rows, out_cols = resized_shape(rows, cols, SIZE)
    small = np.asarray(Image.fromarray(y, mode="F").resize((out_cols, out_rows), Image.BOX), dtype=np.float32)
    b = np.minimum(255, np.floor(np.clip(small, 0, 1) * 256).astype(np.int64))
    counts = np.bincount(b.reshape(-1), minlength=256)
    cdf = np.cumsum(counts)
    small = ((2 * cdf - counts) / (2.0 * small.size))[b]
    canvas = np.zeros((SIZE, SIZE), dtype=np.float32)
    top, left = (SIZE - out_rows) // 2, (SIZE - out_cols) // 2
    canvas[top:top + out_rows, left:left + out_cols] = small
    return ((canvas - 0.5) / 0.25).astype(np.float32)[None]


# ----------------------------------------------------------------------------- augmentation
_FONT = ImageFont.load_default()
# Burnt-in words of several sites and languages; dates and times like modality annotations.
MARKER_WORDS = ["D", "DCHA", "I", "IZQ", "L", "R", "LT", "RT", "PA", "AP", "PORTABLE", "PORTATIL", "SUPINE",
                "DECUBITO", "ERECT", "BIPE", "SEDESTACION", "UPRIGHT", "G", "DX", "CR"]


def _random_annotation(rng: random.Random) -> str:
    k = rng.random()
    if k < 0.55:
        return rng.choice(MARKER_WORDS)
    if k < 0.75:
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2023)
        return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y % 100:02d}"])
    if k < 0.85:
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ") for _ in range(rng.randint(3, 10)))


def burn_text(img: Image.Image, rng: random.Random) -> Image.Image:
    """1-3 lead markers / text lines near the edges, boxed or not, bright or dark, any class."""
    w, h = img.size
    img = img.copy()
    for _ in range(rng.randint(1, 3)):
        text = _random_annotation(rng)
        tile = Image.new("L", (7 * len(text) + 6, 16), 0)
        d = ImageDraw.Draw(tile)
        d.text((3, 2), text, fill=255, font=_FONT)
        if rng.random() < 0.3:
            d.rectangle([0, 0, tile.width - 1, 15], outline=255)
        scale = rng.uniform(0.7, 2.2) * max(w, h) / 256
        tile = tile.resize((max(1, int(tile.width * scale)), max(1, int(tile.height * scale))), Image.BILINEAR)
        if tile.width >= w or tile.height >= h:
            continue
        edge = rng.random()
        if edge < 0.7:  # corners and top/bottom bands, where modalities put them
            x = rng.choice([rng.randint(0, max(0, w // 6)), max(0, w - tile.width - rng.randint(0, w // 6))])
            y = rng.choice([rng.randint(0, h // 6), max(0, h - tile.height - rng.randint(0, h // 6))])
        else:
            x, y = rng.randint(0, w - tile.width), rng.randint(0, h - tile.height)
        img.paste(rng.choice([255, 255, 235, 0, rng.randint(0, 255)]), (x, y), tile)
    return img


def portable_look(img: Image.Image, rng: random.Random) -> Image.Image:
    """Bedside AP film look on any class: ECG electrodes, lead wires and tubes, slight tilt."""
    w, h = img.size
    img = img.copy()
    draw = ImageDraw.Draw(img)
    bright = rng.randint(200, 255)
    for _ in range(rng.randint(0, 4)):  # electrodes: bright disc, darker ring
        cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.05, 0.6) * h
        r = rng.uniform(0.012, 0.03) * w
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=bright)
        draw.ellipse([cx - r * 0.45, cy - r * 0.45, cx + r * 0.45, cy + r * 0.45], fill=rng.randint(80, 200))
    for _ in range(rng.randint(1, 3)):  # wires and tubes: smooth polylines, thin and bright
        pts = []
        x, y = rng.uniform(0, w), rng.uniform(0, h * 0.6)
        ang = rng.uniform(0, 2 * np.pi)
        for _ in range(rng.randint(4, 9)):
            pts.append((x, y))
            ang += rng.uniform(-0.6, 0.6)
            step = rng.uniform(0.05, 0.15) * w
            x, y = x + step * np.cos(ang), y + step * np.sin(ang)
        draw.line(pts, fill=rng.randint(170, 255), width=max(1, int(rng.uniform(0.003, 0.012) * w)))
    if rng.random() < 0.5:
        img = img.rotate(rng.uniform(-8, 8), resample=Image.BILINEAR, fillcolor=rng.choice([0, 0, 255]))
    return img


def resolution_equalise(img: Image.Image, rng: random.Random) -> Image.Image:
    """Down to a random 112-224 px long side and back: the 224 px rdb JPEGs stop being recognisable."""
    w, h = img.size
    side = rng.randint(112, 224)
    f = side / max(w, h)
    if f >= 1:
        return img
    small = img.resize((max(8, int(w * f)), max(8, int(h * f))), rng.choice([Image.BILINEAR, Image.BOX, Image.BICUBIC]))
    return small.resize((w, h), rng.choice([Image.BILINEAR, Image.BICUBIC, Image.NEAREST]))


def geometry(img: Image.Image, rng: random.Random) -> Image.Image:
    """Crop (field of view), aspect squash/stretch (rdb films are square), flip, small rotation/zoom."""
    w, h = img.size
    cw, ch = int(w * rng.uniform(0.72, 1.0)), int(h * rng.uniform(0.72, 1.0))
    x0, y0 = rng.randint(0, w - cw), rng.randint(0, h - ch)
    img = img.crop((x0, y0, x0 + cw, y0 + ch))
    r = rng.random()
    if r < 0.3:  # squash square like the collection did
        side = max(img.size)
        img = img.resize((side, side), Image.BILINEAR)
    elif r < 0.6:
        a = np.exp(rng.uniform(np.log(0.78), np.log(1.28)))
        img = img.resize((max(16, int(img.width * a)), img.height), Image.BILINEAR)
    if rng.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    if rng.random() < 0.4:
        img = img.rotate(rng.uniform(-10, 10), resample=Image.BILINEAR, fillcolor=rng.choice([0, 0, 255]))
    return img


def frame_or_shutter(img: Image.Image, rng: random.Random) -> Image.Image:
    w, h = img.size
    value = rng.choice([0, 255, rng.randint(0, 255)])
    if rng.random() < 0.5:  # figure-like frame around the film
        b = int(rng.uniform(0.02, 0.1) * max(w, h))
        framed = Image.new("L", (w + 2 * b, h + 2 * b), value)
        framed.paste(img, (b, b))
        return framed
    img = img.copy()
    d = ImageDraw.Draw(img)
    for side in "lrtb":  # collimator shutters covering the border
        if rng.random() < 0.6:
            f = rng.uniform(0.02, 0.12)
            box = {"l": [0, 0, int(f * w), h], "r": [w - int(f * w), 0, w, h],
                   "t": [0, 0, w, int(f * h)], "b": [0, h - int(f * h), w, h]}[side]
            d.rectangle(box, fill=value)
    return img


def photometric(img: Image.Image, rng: random.Random) -> Image.Image:
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5)))
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.UnsharpMask(radius=rng.uniform(1, 8), percent=rng.randint(50, 300),
                                                 threshold=rng.randint(0, 3)))
    if rng.random() < 0.5:
        x = np.arange(256) / 255.0
        if rng.random() < 0.5:
            y = x ** np.exp(rng.uniform(np.log(0.5), np.log(2.0)))
        else:
            g, c = rng.uniform(3, 10), rng.uniform(0.35, 0.65)
            y = 1 / (1 + np.exp(-g * (x - c)))
            y = (y - y[0]) / (y[-1] - y[0])
        img = img.point([int(round(255 * v)) for v in np.clip(y, 0, 1)])
    if rng.random() < 0.2:
        a = np.asarray(img).astype(np.float32)
        n = np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(2, 12), a.shape)
        img = Image.fromarray(np.clip(a + n, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=rng.randint(20, 95))
        buf.seek(0)
        img = Image.open(buf).convert("L")
    return img


def dicom_like(a: np.ndarray, rng: random.Random):
    """8-bit display values -> (stored values, photometric) like a CR/DX file: 12-16-bit, a raw-ish log
    curve, a little quantum noise, sometimes MONOCHROME1 (stored inverted, as the app reads it)."""
    bits = rng.choice([12, 14, 16])
    top = (1 << bits) - 1
    x = a.astype(np.float64) / 255.0
    k = rng.uniform(1.0, 5.0)
    y = np.log1p(k * x) / np.log1p(k) if rng.random() < 0.5 else x ** rng.uniform(0.6, 1.6)
    y = y + np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(0, 0.01), y.shape)
    lo, hi = rng.uniform(0, 0.1), rng.uniform(0.75, 1.0)
    v = np.clip(np.round((lo + (hi - lo) * np.clip(y, 0, 1)) * top), 0, top)
    if rng.random() < 0.4:
        return (top - v).astype(np.uint16), "MONOCHROME1"
    return v.astype(np.uint16), "MONOCHROME2"


def augment_draw(a: np.ndarray, rng: random.Random):
    """One training draw: 8-bit image -> (stored values, photometric) before preprocessing.

    A quarter of the draws get only the geometry: with every shift applied at once the network barely
    learned at all in the time we have (train loss 1.0 after 24k draws in the first v2 run)."""
    img = geometry(Image.fromarray(a), rng)
    if rng.random() < 0.25:
        return np.asarray(img), "MONOCHROME2"
    if rng.random() < 0.6:
        img = resolution_equalise(img, rng)
    if rng.random() < 0.25:
        img = portable_look(img, rng)
    if rng.random() < 0.15:
        img = frame_or_shutter(img, rng)
    img = photometric(img, rng)
    if rng.random() < 0.5:  # after JPEG etc., so the text is crisp like real burnt-in annotations
        img = burn_text(img, rng)
    out = np.asarray(img)
    if rng.random() < 0.2:
        return dicom_like(out, rng)
    return out, "MONOCHROME2"


# ----------------------------------------------------------------------------- outlier exposure
# Negatives for the outlier head: what the guard must call "not a frontal adult chest film". Kept apart
# from evaluate.py's held-out families (synthetic.py phantoms and non_medical patterns are NOT used
# here), so the reported firing rates on those are honest.
OUTLIER_KINDS = ["inverted", "rotated", "upside_down", "tiny_crop", "texture", "strip", "tiled"]


def outlier_draw(a: np.ndarray, rng: random.Random) -> np.ndarray:
    kind = rng.choice(OUTLIER_KINDS)
    img = Image.fromarray(a)
    w, h = img.size
    if kind == "inverted":  # wrong photometric interpretation
        img = Image.fromarray(255 - a)
    elif kind == "rotated":
        img = img.rotate(rng.choice([90, 270]) + rng.uniform(-15, 15), expand=True, resample=Image.BILINEAR)
    elif kind == "upside_down":
        img = img.rotate(180 + rng.uniform(-20, 20), resample=Image.BILINEAR)
    elif kind == "tiny_crop":  # a small part of the film blown up: not a whole chest
        f = rng.uniform(0.15, 0.35)
        cw, ch = max(8, int(w * f)), max(8, int(h * f))
        x0, y0 = rng.randint(0, w - cw), rng.randint(0, h - ch)
        img = img.crop((x0, y0, x0 + cw, y0 + ch)).resize((w, h), Image.BILINEAR)
    elif kind == "texture":
        g = np.random.default_rng(rng.getrandbits(32))
        s = rng.choice([4, 8, 16, 32, 64])
        base = g.uniform(0, 255, (max(2, h // s), max(2, w // s))).astype(np.uint8)
        img = Image.fromarray(base).resize((w, h), rng.choice([Image.BICUBIC, Image.NEAREST]))
        if rng.random() < 0.5:
            img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0, 4)))
    elif kind == "strip":  # a very wide or very tall strip of a film, like a lateral's or a limb's aspect
        if rng.random() < 0.5:
            img = img.crop((0, int(h * 0.3), w, int(h * 0.6)))
        else:
            img = img.crop((int(w * 0.35), 0, int(w * 0.65), h))
    elif kind == "tiled":  # several films side by side (a screenshot/collage, not one film)
        half = img.resize((max(8, w // 2), max(8, h // 2)))
        canvas = Image.new("L", (w, h), 0)
        for x in (0, w // 2):
            for y in (0, h // 2):
                canvas.paste(half, (x, y))
        img = canvas
    return np.asarray(img)


class TrainDataset(torch.utils.data.Dataset):
    """Indexed by (record index, per-draw seed) pairs, so a run is reproducible. Returns
    (tensor, label, is_outlier, origin id)."""

    ORIGINS = ["nih", "figure", "rdb"]

    def __init__(self, records, outlier_p: float = 0.08):
        self.records = records
        self.outlier_p = outlier_p
        self.images = [load_small(r.path) for r in records]

    def __len__(self):
        return len(self.records)

    def __getitem__(self, key):
        idx, draw_seed = key
        rng = random.Random(draw_seed)
        r = self.records[idx]
        a = self.images[idx]
        if rng.random() < self.outlier_p:
            t = fast_preprocess(outlier_draw(a, rng))
            return torch.from_numpy(t), r.label, 1, self.ORIGINS.index(r.origin)
        values, photometric_interpretation = augment_draw(a, rng)
        t = fast_preprocess(values, photometric_interpretation)
        if rng.random() < 0.15:
            t = t + np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(0.02, 0.1), t.shape).astype(np.float32)
        return torch.from_numpy(t), r.label, 0, self.ORIGINS.index(r.origin)
