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

    def __init__(self, records, seed: int):
        self.records = records
        self.images = [load_gray(r.path) for r in records]  # ~1000 small JPEGs: fits in RAM
        self.seed = seed

    def __len__(self):
        return len(self.records)

    def __getitem__(self, key):
        idx, draw_seed = key
        rng = random.Random(draw_seed)
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
