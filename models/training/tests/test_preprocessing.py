"""Properties of the reference preprocessing, and that the committed parity fixture still
matches it (so a change to preprocessing.py without regenerating the fixture fails here)."""
import gzip
import hashlib
import json
import os
import sys
import unittest

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import MODEL_DIR  # noqa: E402
from preprocessing import area_resize, preprocess, resized_shape  # noqa: E402
from synthetic import chest_phantom, to_uint  # noqa: E402

PARITY = os.path.join(MODEL_DIR, "parity")


class PreprocessingTest(unittest.TestCase):
    def test_8bit_and_16bit_map_alike(self):
        v8 = to_uint(chest_phantom(300, 250, seed=3), 8)
        a = preprocess(v8)
        self.assertTrue(np.array_equal(a, preprocess(v8.astype(np.uint16) * 257)))
        self.assertTrue(np.array_equal(a, preprocess(v8.astype(np.int16) * 16 - 2000)))

    def test_monochrome1_is_inverse(self):
        # Not bit-equal: percentile ranks and histogram bin edges are not symmetric under inversion,
        # and the phantom has large flat areas that sit on bin edges. Nearly equal is the property.
        v = to_uint(chest_phantom(200, 220, seed=4), 12)
        a, b = preprocess(v, "MONOCHROME1"), preprocess(4095 - v)
        self.assertLess(float(np.abs(a - b).mean()), 0.05)
        self.assertGreater(float(np.corrcoef(a.ravel(), b.ravel())[0, 1]), 0.99)

    def test_shapes_and_padding(self):
        self.assertEqual(resized_shape(1000, 500), (224, 112))
        self.assertEqual(resized_shape(3, 1000), (1, 224))
        t = preprocess(to_uint(chest_phantom(100, 300, seed=5), 8))
        self.assertEqual(t.shape, (1, 224, 224))
        self.assertEqual(float(t[0, 0, 0]), -2.0)  # padding

    def test_area_resize_preserves_mean(self):
        rng = np.random.default_rng(0)
        img = rng.random((37, 53))
        out = area_resize(img, 11, 16)
        self.assertAlmostEqual(out.mean(), img.mean(), places=12)

    @unittest.skipUnless(os.path.exists(os.path.join(PARITY, "expected.json")), "no parity fixture yet")
    def test_parity_fixture_is_current(self):
        with open(os.path.join(PARITY, "expected.json")) as f:
            exp = json.load(f)
        with gzip.open(os.path.join(PARITY, "tensors.f32.gz")) as f:
            raw = f.read()
        tensors = np.frombuffer(raw, dtype="<f4").reshape(len(exp["images"]), 1, 224, 224)
        for i, e in enumerate(exp["images"]):
            path = os.path.join(PARITY, e["file"])
            if e["file"].endswith(".png"):
                v = np.asarray(Image.open(path))
            else:
                v = np.fromfile(path, dtype=np.dtype(e["dtype"]).newbyteorder("<")).reshape(e["rows"], e["cols"])
            t = preprocess(v, e["photometric"])
            self.assertEqual(hashlib.sha256(t.astype("<f4").tobytes()).hexdigest(), e["tensorSha256"], e["name"])
            self.assertTrue(np.array_equal(t, tensors[i, 0:1] if t.shape[0] == 1 else tensors[i]), e["name"])


if __name__ == "__main__":
    unittest.main()
