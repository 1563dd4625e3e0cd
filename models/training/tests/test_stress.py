"""Stress-test transformations (stress.py) and the v1.1 hospital-style augmentation (data.py):
deterministic for a given seed, valid images, and every transformation actually changes the input
(except identity). Synthetic images only."""
import os
import random
import sys
import unittest

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from data import augment_v11, hospital_style  # noqa: E402
from preprocessing import preprocess  # noqa: E402
from stress import HELD_OUT_V11, TRANSFORMS  # noqa: E402
from synthetic import chest_phantom, to_uint  # noqa: E402


def phantom():
    return Image.fromarray(to_uint(chest_phantom(300, 300, seed=7), 8))


class StressTransformsTest(unittest.TestCase):
    def test_deterministic_valid_and_effective(self):
        img = phantom()
        ref = preprocess(np.asarray(img))
        for name, t in TRANSFORMS.items():
            a = np.asarray(t(img, random.Random(3)))
            b = np.asarray(t(img, random.Random(3)))
            self.assertEqual(a.dtype, np.uint8, name)
            self.assertTrue(np.array_equal(a, b), name)
            x = preprocess(a)
            self.assertEqual(x.shape, (1, 224, 224), name)
            self.assertTrue(np.isfinite(x).all(), name)
            if name == "identity":
                self.assertTrue(np.array_equal(x, ref))
            else:
                self.assertFalse(np.array_equal(np.asarray(img), a) and a.shape == np.asarray(img).shape, name)

    def test_held_out_names_exist(self):
        for n in HELD_OUT_V11:
            self.assertIn(n, TRANSFORMS)

    def test_hospital_style_seeded(self):
        img = phantom()
        for seed in range(20):
            a = np.asarray(augment_v11(img, random.Random(seed)))
            b = np.asarray(augment_v11(img, random.Random(seed)))
            self.assertTrue(np.array_equal(a, b))
            self.assertEqual(np.asarray(hospital_style(img, random.Random(seed))).dtype, np.uint8)


if __name__ == "__main__":
    unittest.main()
