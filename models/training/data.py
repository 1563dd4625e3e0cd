"""Manifest reading, source x label bookkeeping, augmentation and torch datasets.

Images are read from the shared dataset folder at run time and never copied into the repo.
"""
import csv
import io
import os
import random
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from model import LABELS
from preprocessing import preprocess

DATASET_DIR = os.environ.get(
    "CXR_DATASET_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../shared/datasets/cxr-v1"))
)


@dataclass(frozen=True)
class Record:
    id: str
    path: str
    label: int
    source: str  # manifest source: "ozturk" | "cohen"
    origin: str  # image style: "nih" (Ozturk normal/pneumonia = NIH films) | "figure" (all Cohen images)
    patient_id: str
    split: str
    license: str


def origin_of(source: str, label: str) -> str:
    # Ozturk's COVID images are copies of Cohen's publication figures, so by style they are "figure".
    return "nih" if source == "ozturk" and label != "covid" else "figure"


def read_manifest(dataset_dir: str = DATASET_DIR):
    with open(os.path.join(dataset_dir, "manifest.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Record(
            id=r["id"],
            path=os.path.join(dataset_dir, r["path"]),
            label=LABELS.index(r["label"]),
            source=r["source"],
            origin=origin_of(r["source"], r["label"]),
            patient_id=r["patient_id"],
            split=r["split"],
            license=r["license"],
        )
        for r in rows
    ]


def load_gray(path: str) -> Image.Image:
    return Image.open(path).convert("L")


def sampling_weights(records):
    """Balanced over labels, and within a label over origin (nih / figure) in proportion to
    sqrt(count): small cells (6 Cohen normals) are up-weighted without being repeated to death."""
    cells = {}
    for r in records:
        cells.setdefault((r.label, r.origin), 0)
        cells[(r.label, r.origin)] += 1
    weights = []
    for r in records:
        same_label = [(k, n) for k, n in cells.items() if k[0] == r.label]
        norm = sum(np.sqrt(n) for _, n in same_label)
        cell_share = np.sqrt(cells[(r.label, r.origin)]) / norm
        weights.append((1.0 / len(LABELS)) * cell_share / cells[(r.label, r.origin)])
    return np.asarray(weights, dtype=np.float64), cells


# ----------------------------------------------------------------------------- augmentation
_FONT = ImageFont.load_default()
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789RL "


def _draw_text_and_arrows(img: Image.Image, rng: random.Random) -> Image.Image:
    """Burn in random letters and arrows like publication figures have, on every kind of image,
    so that "has text/arrows" stops being a COVID cue."""
    w, h = img.size
    img = img.copy()
    for _ in range(rng.randint(1, 3)):
        text = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(1, 6)))
        tile = Image.new("L", (8 * len(text) + 4, 14), 0)
        ImageDraw.Draw(tile).text((2, 1), text, fill=255, font=_FONT)
        scale = rng.uniform(1.5, 4.0) * max(w, h) / 512
        tile = tile.resize((max(1, int(tile.width * scale)), max(1, int(tile.height * scale))))
        value = rng.choice([0, 255, rng.randint(0, 255)])
        x, y = rng.randint(0, max(0, w - tile.width)), rng.randint(0, max(0, h - tile.height))
        img.paste(value, (x, y), tile)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(0, 2)):
        x0, y0 = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        length, angle = rng.uniform(0.05, 0.15) * w, rng.uniform(0, 2 * np.pi)
        x1, y1 = x0 + length * np.cos(angle), y0 + length * np.sin(angle)
        value = rng.choice([0, 255])
        width = max(1, int(rng.uniform(0.005, 0.012) * w))
        draw.line([(x0, y0), (x1, y1)], fill=value, width=width)
        head = 3 * width + 3
        a1, a2 = angle + 2.6, angle - 2.6
        draw.polygon([(x0, y0), (x0 - head * np.cos(a1) * -1, y0 - head * np.sin(a1) * -1),
                      (x0 - head * np.cos(a2) * -1, y0 - head * np.sin(a2) * -1)], fill=value)
    return img


def augment(img: Image.Image, rng: random.Random) -> Image.Image:
    """Radiograph-safe augmentation against the source confound (no vertical flips)."""
    w, h = img.size
    if rng.random() < 0.25:  # figure-like frame
        b = int(rng.uniform(0.02, 0.1) * max(w, h))
        framed = Image.new("L", (w + 2 * b, h + 2 * b), rng.choice([0, 255, rng.randint(0, 255)]))
        framed.paste(img, (b, b))
        img = framed
    if rng.random() < 0.3:
        img = _draw_text_and_arrows(img, rng)
    if rng.random() < 0.5:  # small rotation and scaling
        img = img.rotate(rng.uniform(-10, 10), resample=Image.BILINEAR, fillcolor=rng.choice([0, 0, 255]))
    # crop that cuts borders/text, with its own aspect ratio, so NIH films get padded like figures
    w, h = img.size
    cw, ch = int(w * rng.uniform(0.7, 1.0)), int(h * rng.uniform(0.7, 1.0))
    x0, y0 = rng.randint(0, w - cw), rng.randint(0, h - ch)
    img = img.crop((x0, y0, x0 + cw, y0 + ch))
    if rng.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    if rng.random() < 0.5:  # resolution loss (figures are often small, re-scaled)
        f = rng.uniform(0.25, 0.9)
        small = img.resize((max(16, int(img.width * f)), max(16, int(img.height * f))), Image.BILINEAR)
        img = small.resize(img.size, rng.choice([Image.BILINEAR, Image.NEAREST, Image.BICUBIC]))
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.8)))
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.UnsharpMask(radius=rng.uniform(1, 3), percent=rng.randint(50, 200)))
    if rng.random() < 0.6:  # JPEG re-encoding at low and high quality
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=rng.randint(15, 95))
        buf.seek(0)
        img = Image.open(buf).convert("L")
    if rng.random() < 0.8:  # gamma / contrast (mostly undone by equalisation, but not quite: bins, clipping)
        gamma = np.exp(rng.uniform(np.log(0.6), np.log(1.7)))
        lo, hi = rng.uniform(0, 40), rng.uniform(215, 255)
        lut = [int(np.clip(lo + (hi - lo) * (i / 255.0) ** gamma, 0, 255)) for i in range(256)]
        img = img.point(lut)
    return img


def tensor_augment(t: np.ndarray, rng: random.Random) -> np.ndarray:
    """After preprocessing: noise, mild intensity jitter, cut-out."""
    t = t.copy()
    if rng.random() < 0.5:
        t = t * rng.uniform(0.85, 1.15) + rng.uniform(-0.15, 0.15)
    if rng.random() < 0.4:
        nrng = np.random.default_rng(rng.getrandbits(32))
        t = t + nrng.normal(0, rng.uniform(0.02, 0.15), size=t.shape).astype(np.float32)
    if rng.random() < 0.25:
        s = t.shape[-1]
        eh, ew = rng.randint(s // 10, s // 4), rng.randint(s // 10, s // 4)
        y, x = rng.randint(0, s - eh), rng.randint(0, s - ew)
        t[:, y : y + eh, x : x + ew] = rng.uniform(-2, 2)
    return t.astype(np.float32)


class TrainDataset(torch.utils.data.Dataset):
    """Indexed by (record index, per-draw seed) pairs so each run is reproducible."""

    def __init__(self, records, seed: int, recipe: str = "v1", style_p: float = 0.75):
        self.records = records
        self.recipe = recipe
        self.style_p = style_p
        self.images = [load_gray(r.path) for r in records]  # ~1000 small JPEGs: fits in RAM
        self.seed = seed

    def __len__(self):
        return len(self.records)

    def __getitem__(self, key):
        idx, draw_seed = key
        rng = random.Random(draw_seed)
        if self.recipe == "v1.1":
            img = augment_v11(self.images[idx], rng, self.style_p)
        else:
            img = augment(self.images[idx], rng)
        t = tensor_augment(preprocess(np.asarray(img)), rng)
        r = self.records[idx]
        return torch.from_numpy(t), r.label, int(r.origin == "figure")


class DrawSampler(torch.utils.data.Sampler):
    """Weighted draws with replacement; yields (index, seed) so augmentation is seeded per draw."""

    def __init__(self, weights, draws_per_epoch: int, seed: int):
        self.p = weights / weights.sum()
        self.n = draws_per_epoch
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int):
        self.epoch = epoch

    def __len__(self):
        return self.n

    def __iter__(self):
        g = np.random.default_rng([self.seed, self.epoch])
        idx = g.choice(len(self.p), size=self.n, replace=True, p=self.p)
        seeds = g.integers(0, 2**31 - 1, size=self.n)
        return iter(zip(idx.tolist(), seeds.tolist()))


def preprocess_records(records):
    """Deterministic reference preprocessing (no augmentation) -> float32 [N,1,S,S]."""
    return np.stack([preprocess(np.asarray(load_gray(r.path))) for r in records])


# ----------------------------------------------------------------------------- recipe v1.1: hospital styles
# Other hospitals' acquisition and processing (tone curves, CR/DR edge enhancement, noise, blur,
# collimation, markers) and children (chest small in a larger field) made from *every* training image,
# NIH films included, so that "does not look like an NIH film" stops being evidence for COVID.
# Parameters are drawn at random here; stress.py evaluates fixed settings with its own code.
# Deliberately NOT used here (held out, to have a few stress families the recipe never saw):
# log/film-like LUTs, median-filter denoising and histogram flattening.


def _child_field(img: Image.Image, rng: random.Random) -> Image.Image:
    """The chest occupies a smaller central part of a larger (dark, noisy) field, maybe narrower."""
    w, h = img.size
    s = rng.uniform(0.5, 0.9)
    narrow = rng.uniform(0.7, 1.0) if rng.random() < 0.5 else 1.0
    cw, ch = max(16, int(w * s * narrow)), max(16, int(h * s))
    chest = img.resize((cw, ch), Image.BILINEAR)
    a = np.asarray(img)
    bg = float(np.percentile(a, rng.uniform(0, 10))) + rng.uniform(-10, 25)
    nrng = np.random.default_rng(rng.getrandbits(32))
    field = np.clip(bg + nrng.normal(0, rng.uniform(0, 8), size=(h, w)), 0, 255).astype(np.uint8)
    out = Image.fromarray(field)
    x0 = int((w - cw) * rng.uniform(0.3, 0.7))
    y0 = int((h - ch) * rng.uniform(0.2, 0.7))
    out.paste(chest, (x0, y0))
    return out


def _tone(img: Image.Image, rng: random.Random) -> Image.Image:
    x = np.arange(256) / 255.0
    if rng.random() < 0.5:
        y = x ** np.exp(rng.uniform(np.log(0.45), np.log(2.2)))
    else:  # sigmoid contrast around a random centre
        g, c = rng.uniform(3, 12), rng.uniform(0.35, 0.65)
        y = 1 / (1 + np.exp(-g * (x - c)))
        y = (y - y[0]) / (y[-1] - y[0])
    return img.point([int(round(255 * v)) for v in np.clip(y, 0, 1)])


def _collimation(img: Image.Image, rng: random.Random) -> Image.Image:
    """Shutter edges that cover the image border (not padding around it), black or white."""
    w, h = img.size
    img = img.copy()
    draw = ImageDraw.Draw(img)
    value = rng.choice([0, 255, rng.randint(0, 60), rng.randint(200, 255)])
    for side in ("l", "r", "t", "b"):
        if rng.random() < 0.7:
            f = rng.uniform(0.02, 0.14)
            if side == "l":
                draw.rectangle([0, 0, int(f * w), h], fill=value)
            elif side == "r":
                draw.rectangle([w - int(f * w), 0, w, h], fill=value)
            elif side == "t":
                draw.rectangle([0, 0, w, int(f * h)], fill=value)
            else:
                draw.rectangle([0, h - int(f * h), w, h], fill=value)
    return img


def _marker(img: Image.Image, rng: random.Random) -> Image.Image:
    """An L/R lead marker (letter in a box) near a corner, sometimes a line of burnt-in text."""
    w, h = img.size
    img = img.copy()
    letter = rng.choice("LRLR")
    tile = Image.new("L", (14, 16), 0)
    d = ImageDraw.Draw(tile)
    d.text((4, 2), letter, fill=255, font=_FONT)
    if rng.random() < 0.5:
        d.rectangle([0, 0, 13, 15], outline=255)
    sc = rng.uniform(2.0, 5.0) * max(w, h) / 512
    tile = tile.resize((max(1, int(14 * sc)), max(1, int(16 * sc))))
    x = rng.choice([rng.randint(0, w // 5), rng.randint(4 * w // 5 - tile.width, max(4 * w // 5 - tile.width, w - tile.width))])
    y = rng.randint(0, max(0, h // 4))
    img.paste(rng.choice([255, 230, 0]), (max(0, x), y), tile)
    if rng.random() < 0.5:
        img = _draw_text_and_arrows(img, rng)
    return img


def hospital_style(img: Image.Image, rng: random.Random) -> Image.Image:
    if rng.random() < 0.15:  # lung-centred crop
        w, h = img.size
        fw, fh = rng.uniform(0.6, 0.85), rng.uniform(0.6, 0.85)
        x0, y0 = int(w * (1 - fw) * rng.uniform(0.3, 0.7)), int(h * (1 - fh) * rng.uniform(0.2, 0.6))
        img = img.crop((x0, y0, x0 + int(w * fw), y0 + int(h * fh)))
    if rng.random() < 0.25:
        img = _child_field(img, rng)
    if rng.random() < 0.5:
        img = _tone(img, rng)
    if rng.random() < 0.35:  # CR/DR edge enhancement, stronger than in v1
        img = img.filter(ImageFilter.UnsharpMask(radius=rng.uniform(2, 12), percent=rng.randint(100, 400),
                                                 threshold=rng.randint(0, 3)))
    if rng.random() < 0.2:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 3.0)))
    if rng.random() < 0.3:
        a = np.asarray(img).astype(np.float32)
        nrng = np.random.default_rng(rng.getrandbits(32))
        sigma = rng.uniform(2, 20)
        if rng.random() < 0.5:  # signal-dependent (quantum-like) noise
            a = a + nrng.normal(0, 1, a.shape) * sigma * np.sqrt(np.maximum(a, 1) / 128.0)
        else:
            a = a + nrng.normal(0, sigma, a.shape)
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if rng.random() < 0.2:
        img = _collimation(img, rng)
    if rng.random() < 0.25:
        img = _marker(img, rng)
    return img


def augment_v11(img: Image.Image, rng: random.Random, style_p: float = 0.75) -> Image.Image:
    if rng.random() < style_p:
        img = hospital_style(img, rng)
    return augment(img, rng)


def sampling_weights_fixed_share(records, figure_share):
    """Balanced over labels; within a label, figures get a fixed share of the draws
    (figure_share[label]); labels absent from figure_share keep their single/only origin."""
    cells = {}
    for r in records:
        cells[(r.label, r.origin)] = cells.get((r.label, r.origin), 0) + 1
    weights = []
    for r in records:
        origins = [k[1] for k in cells if k[0] == r.label]
        if len(origins) == 1:
            share = 1.0
        else:
            f = figure_share[r.label]
            share = f if r.origin == "figure" else 1.0 - f
        weights.append((1.0 / len(LABELS)) * share / cells[(r.label, r.origin)])
    return np.asarray(weights, dtype=np.float64), cells
