"""Reference implementation of the cxr-tri-v1 preprocessing (spec: models/cxr-tri-v1/preprocessing.md).

Every step is written so that app/shared/ai/preprocess.ts can repeat the same IEEE float64
operations in the same order (integer overlap weights, sequential sums, no BLAS), giving the same
tensor bit for bit, not just approximately. Keep the two in lockstep: the parity test checks it.
"""
import numpy as np

# The declarative spec; export.py copies it into model.json (field `preprocessing`).
SPEC = {
    "version": 1,
    "document": "preprocessing.md",
    "photometric": {"MONOCHROME1": "invert after normalisation (y = 1 - y)", "MONOCHROME2": "as is"},
    "intensity": {"method": "percentile", "lowPermille": 5, "highPermille": 995},
    "resize": {"method": "area", "longSide": 224, "order": "columns-then-rows"},
    "histogramEqualisation": {"enabled": True, "bins": 256, "region": "content"},
    "pad": {"size": 224, "value": 0.0, "align": "center-floor"},
    "standardise": {"mean": 0.5, "std": 0.25},
    "output": {"layout": "NCHW", "channels": 1, "dtype": "float32"},
}

SIZE = SPEC["pad"]["size"]
LONG_SIDE = SPEC["resize"]["longSide"]


def percentile_bounds(values: np.ndarray, low_permille: int, high_permille: int):
    """Order statistics sorted[floor((n-1)*q/1000)] of the stored values (nearest rank below)."""
    flat = values.reshape(-1)
    n = flat.size
    lo_idx = ((n - 1) * low_permille) // 1000
    hi_idx = ((n - 1) * high_permille) // 1000
    part = np.partition(flat, (lo_idx, hi_idx))
    return float(part[lo_idx]), float(part[hi_idx])


def resized_shape(rows: int, cols: int, long_side: int = LONG_SIDE):
    """Aspect-preserving target size; the short side rounds half up in integer arithmetic."""
    if rows >= cols:
        return long_side, max(1, (2 * cols * long_side + rows) // (2 * rows))
    return max(1, (2 * rows * long_side + cols) // (2 * cols)), long_side


def _area_weights(n_in: int, n_out: int):
    """For each output index j: list of (k, overlap) with integer overlaps.

    Work in units of 1/(n_in*n_out): input pixel k spans [k*n_out, (k+1)*n_out), output pixel j
    spans [j*n_in, (j+1)*n_in). Overlaps are exact integers summing to n_in per output pixel.
    """
    weights = []
    for j in range(n_out):
        start, end = j * n_in, (j + 1) * n_in
        k0, k1 = start // n_out, (end - 1) // n_out
        taps = []
        for k in range(k0, k1 + 1):
            ov = min(end, (k + 1) * n_out) - max(start, k * n_out)
            if ov > 0:
                taps.append((k, ov))
        weights.append(taps)
    return weights


def area_resize(img: np.ndarray, out_rows: int, out_cols: int) -> np.ndarray:
    """Exact box-filter (area-average) resize: columns first, then rows, float64.

    out[j] = (sum_k overlap(j,k) * in[k]) / n_in, summed in ascending k starting from 0.0.
    """
    rows, cols = img.shape
    tmp = np.empty((rows, out_cols), dtype=np.float64)
    for j, taps in enumerate(_area_weights(cols, out_cols)):
        acc = np.zeros(rows, dtype=np.float64)
        for k, ov in taps:
            acc = acc + float(ov) * img[:, k]
        tmp[:, j] = acc / float(cols)
    out = np.empty((out_rows, out_cols), dtype=np.float64)
    for i, taps in enumerate(_area_weights(rows, out_rows)):
        acc = np.zeros(out_cols, dtype=np.float64)
        for k, ov in taps:
            acc = acc + float(ov) * tmp[k, :]
        out[i, :] = acc / float(rows)
    return out


def equalise_histogram(img: np.ndarray, bins: int) -> np.ndarray:
    """Global histogram equalisation to bin mid-ranks: e[b] = (2*cdf[b] - count[b]) / (2*m)."""
    b = np.minimum(bins - 1, np.floor(img * bins).astype(np.int64))
    counts = np.bincount(b.reshape(-1), minlength=bins).astype(np.int64)
    cdf = np.cumsum(counts)
    m = img.size
    table = (2 * cdf - counts).astype(np.float64) / float(2 * m)
    return table[b]


def preprocess(values: np.ndarray, photometric: str = "MONOCHROME2", spec=SPEC) -> np.ndarray:
    """Stored grayscale values [rows, cols] (uint8/uint16/int16/float) -> float32 [1, S, S]."""
    if values.ndim != 2:
        raise ValueError("expected a 2-D grayscale array")
    x = values.astype(np.float64)
    rows, cols = x.shape
    lo, hi = percentile_bounds(x, spec["intensity"]["lowPermille"], spec["intensity"]["highPermille"])
    if hi > lo:
        y = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    else:  # flat image: no contrast to normalise
        y = np.zeros_like(x)
    if photometric == "MONOCHROME1":
        y = 1.0 - y
    out_rows, out_cols = resized_shape(rows, cols, spec["resize"]["longSide"])
    small = area_resize(y, out_rows, out_cols)
    if spec["histogramEqualisation"]["enabled"]:
        small = equalise_histogram(small, spec["histogramEqualisation"]["bins"])
    size = spec["pad"]["size"]
    canvas = np.full((size, size), float(spec["pad"]["value"]), dtype=np.float64)
    top, left = (size - out_rows) // 2, (size - out_cols) // 2
    canvas[top : top + out_rows, left : left + out_cols] = small
    mean, std = spec["standardise"]["mean"], spec["standardise"]["std"]
    return ((canvas - mean) / std).astype(np.float32)[None]
