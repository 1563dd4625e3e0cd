"""Images made by code (no dataset pixels): chest phantoms for the parity fixture and Grad-CAM
examples, and non-CXR images for the OOD guard. All return float arrays in [0, 1] unless noted."""
import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _ellipse_mask(rows, cols, cy, cx, ry, rx, angle=0.0):
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    y, x = (y - cy), (x - cx)
    c, s = np.cos(angle), np.sin(angle)
    u, v = (x * c + y * s) / rx, (-x * s + y * c) / ry
    return (u * u + v * v) <= 1.0


def _smooth(a: np.ndarray, radius: float) -> np.ndarray:
    """Separable box blur (edge-padded) in numpy."""
    k = max(1, int(radius))
    out = a.copy()
    for axis in (0, 1):
        c = np.cumsum(np.pad(out, [(k, k) if i == axis else (0, 0) for i in range(2)], mode="edge"), axis=axis)
        c = np.insert(c, 0, 0, axis=axis)
        n = out.shape[axis]
        out = (np.take(c, np.arange(2 * k + 1, 2 * k + 1 + n), axis=axis) - np.take(c, np.arange(0, n), axis=axis)) / (2 * k + 1)
    return out


def chest_phantom(rows: int, cols: int, seed: int = 0, lesion: bool = False) -> np.ndarray:
    """Cartoon frontal chest radiograph: bright mediastinum/soft tissue, dark lungs, ribs, spine."""
    rng = np.random.default_rng(seed)
    img = np.full((rows, cols), 0.05)
    img[_ellipse_mask(rows, cols, rows * 0.55, cols * 0.5, rows * 0.5, cols * 0.46)] = 0.55
    for side in (-1, 1):
        lung = _ellipse_mask(rows, cols, rows * 0.48, cols * (0.5 + side * 0.2), rows * 0.32, cols * 0.15)
        img[lung] = 0.2
    img[_ellipse_mask(rows, cols, rows * 0.62, cols * 0.54, rows * 0.14, cols * 0.14)] = 0.6  # heart
    img[:, int(cols * 0.47) : int(cols * 0.53)] += 0.15  # spine
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    for i in range(8):  # ribs as bright arcs
        cy = rows * (0.22 + 0.07 * i)
        arc = np.abs(y - cy - 0.15 * rows * ((x - cols * 0.5) / cols) ** 2 * 4) < rows * 0.008
        img[arc & (img < 0.5)] += 0.12
    if lesion:  # patchy opacity in the right lower zone
        img[_ellipse_mask(rows, cols, rows * 0.6, cols * 0.3, rows * 0.08, cols * 0.06)] += 0.2
    img = _smooth(img, max(1, rows / 150))
    img += rng.normal(0, 0.01, img.shape)
    return np.clip(img, 0, 1)


def shepp_logan(n: int) -> np.ndarray:
    """Shepp-Logan head phantom (another body part)."""
    ellipses = [  # (value, a, b, x0, y0, phi_deg)
        (1.0, 0.69, 0.92, 0, 0, 0), (-0.8, 0.6624, 0.874, 0, -0.0184, 0), (-0.2, 0.11, 0.31, 0.22, 0, -18),
        (-0.2, 0.16, 0.41, -0.22, 0, 18), (0.1, 0.21, 0.25, 0, 0.35, 0), (0.1, 0.046, 0.046, 0, 0.1, 0),
        (0.1, 0.046, 0.046, 0, -0.1, 0), (0.1, 0.046, 0.023, -0.08, -0.605, 0), (0.1, 0.023, 0.023, 0, -0.606, 0),
        (0.1, 0.023, 0.046, 0.06, -0.605, 0),
    ]
    y, x = np.mgrid[-1:1:complex(0, n), -1:1:complex(0, n)]
    img = np.zeros((n, n))
    for v, a, b, x0, y0, phi in ellipses:
        p = np.deg2rad(phi)
        xr, yr = (x - x0) * np.cos(p) + (y - y0) * np.sin(p), -(x - x0) * np.sin(p) + (y - y0) * np.cos(p)
        img[(xr / a) ** 2 + (yr / b) ** 2 <= 1] += v
    return np.clip(img, 0, 1)


def limb_phantom(rows: int, cols: int, seed: int = 0) -> np.ndarray:
    """Forearm/leg-like radiograph: soft tissue band with two long bright bones."""
    rng = np.random.default_rng(seed)
    img = np.full((rows, cols), 0.05)
    img[:, int(cols * 0.25) : int(cols * 0.75)] = 0.35
    for cx, w in ((0.4, 0.06), (0.6, 0.05)):
        img[:, int(cols * (cx - w)) : int(cols * (cx + w))] = 0.85
        img[:, int(cols * (cx - w / 3)) : int(cols * (cx + w / 3))] = 0.6  # medullary canal
    img = _smooth(img, 2) + rng.normal(0, 0.01, img.shape)
    return np.clip(img, 0, 1)


def abdomen_phantom(rows: int, cols: int, seed: int = 0) -> np.ndarray:
    """Abdominal film: soft tissue, spine, pelvis rim, dark bowel-gas blobs."""
    rng = np.random.default_rng(seed)
    img = np.full((rows, cols), 0.05)
    img[_ellipse_mask(rows, cols, rows * 0.5, cols * 0.5, rows * 0.55, cols * 0.45)] = 0.5
    img[:, int(cols * 0.46) : int(cols * 0.54)] += 0.25
    img[_ellipse_mask(rows, cols, rows * 0.95, cols * 0.5, rows * 0.25, cols * 0.4)] += 0.2
    for _ in range(12):
        img[_ellipse_mask(rows, cols, rng.uniform(0.2, 0.8) * rows, rng.uniform(0.2, 0.8) * cols,
                          rng.uniform(0.02, 0.06) * rows, rng.uniform(0.02, 0.08) * cols)] = 0.2
    return np.clip(_smooth(img, 2) + rng.normal(0, 0.01, img.shape), 0, 1)


def non_medical(kind: str, size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    if kind == "uniform_noise":
        return rng.uniform(0, 1, (size, size))
    if kind == "gaussian_blobs":
        return np.clip(_smooth(rng.uniform(0, 1, (size, size)), size / 20) * 3 - 1, 0, 1)
    if kind == "gradient":
        a = rng.uniform(0, 2 * np.pi)
        return np.clip(np.cos(a) * x + np.sin(a) * y, 0, None) / 1.5
    if kind == "checkerboard":
        k = rng.integers(4, 16)
        return ((np.floor(x * k) + np.floor(y * k)) % 2).astype(np.float64)
    if kind == "shapes":
        im = Image.new("L", (size, size), int(rng.integers(0, 255)))
        d = ImageDraw.Draw(im)
        for _ in range(10):
            x0, y0 = rng.integers(0, size, 2)
            d.rectangle([int(x0), int(y0), int(x0 + rng.integers(10, size // 3)), int(y0 + rng.integers(10, size // 3))],
                        fill=int(rng.integers(0, 255)))
        return np.asarray(im.filter(ImageFilter.GaussianBlur(1)), dtype=np.float64) / 255
    if kind == "text_page":
        im = Image.new("L", (size, size), 255)
        d = ImageDraw.Draw(im)
        for row in range(2, size - 12, 14):
            d.text((4, row), "".join(chr(int(c)) for c in rng.integers(65, 91, size // 8)), fill=0)
        return np.asarray(im, dtype=np.float64) / 255
    raise ValueError(kind)


NON_MEDICAL_KINDS = ["uniform_noise", "gaussian_blobs", "gradient", "checkerboard", "shapes", "text_page"]


def to_uint(a: np.ndarray, bits: int) -> np.ndarray:
    top = (1 << bits) - 1
    return np.round(np.clip(a, 0, 1) * top).astype(np.uint8 if bits <= 8 else np.uint16)
