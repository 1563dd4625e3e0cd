"""cxr-tri-v2 training pieces on synthetic images (no dataset needed): the fast training preprocessing,
the augmentation and outlier draws, the sampling weights, the threshold rule, the fold filter and the
export wrapper's ood."""
import random
import unittest

import numpy as np
import torch

from calibrate_v2 import high_threshold, weighted_quantile
from data_v2 import (OUTLIER_KINDS, Record, augment_draw, burn_text, fast_preprocess, outlier_draw, sampling_weights)
from model import CxrNetV2, ExportWrapperV2
from preprocessing import preprocess
from synthetic import chest_phantom, to_uint
from train_v2 import held_out


def rec(label, origin, i=0):
    source = {"rdb": "rdb", "nih": "ozturk", "figure": "cohen"}[origin]
    return Record(id=f"{origin}-{label}-{i}", path="", label=label, source=source, origin=origin, patient_id=str(i),
                  split="train", license="")


class FastPreprocessTest(unittest.TestCase):
    def test_close_to_the_reference_preprocessing(self):
        for seed, (rows, cols) in enumerate([(300, 260), (224, 224), (180, 256)]):
            v = to_uint(chest_phantom(rows, cols, seed=seed), 8)
            ref, fast = preprocess(v), fast_preprocess(v)
            self.assertEqual(fast.shape, (1, 224, 224))
            # Box filters agree to float rounding; the histogram equalisation then moves pixels of a flat
            # phantom plateau across a bin edge, hence the mean (not max) bound in standardised units.
            self.assertLess(float(np.abs(ref - fast).mean()), 0.1)

    def test_monochrome1_is_inverted_like_the_reference(self):
        v = to_uint(chest_phantom(200, 200, seed=3), 12)
        self.assertLess(float(np.abs(fast_preprocess(4095 - v, "MONOCHROME1") - fast_preprocess(v)).mean()), 0.02)


class AugmentationTest(unittest.TestCase):
    def setUp(self):
        self.img = to_uint(chest_phantom(256, 230, seed=1), 8)

    def test_draws_are_seeded_and_well_formed(self):
        for seed in range(40):
            a, pi = augment_draw(self.img, random.Random(seed))
            b, _ = augment_draw(self.img, random.Random(seed))
            self.assertTrue(np.array_equal(a, b))
            self.assertEqual(a.ndim, 2)
            self.assertIn(pi, ("MONOCHROME1", "MONOCHROME2"))
            self.assertIn(a.dtype, (np.uint8, np.uint16))
            self.assertTrue(np.isfinite(fast_preprocess(a, pi)).all())

    def test_burnt_in_text_changes_pixels_near_the_edges(self):
        flat = np.full((256, 256), 100, np.uint8)
        out = np.asarray(burn_text(__import__("PIL.Image").Image.fromarray(flat), random.Random(3)))
        self.assertGreater(int((out != 100).sum()), 20)

    def test_every_outlier_kind_gives_an_image(self):
        seen = set()
        for seed in range(200):
            rng = random.Random(seed)
            state = rng.getstate()
            kind = rng.choice(OUTLIER_KINDS)
            rng.setstate(state)
            seen.add(kind)
            out = outlier_draw(self.img, rng)
            self.assertEqual(out.ndim, 2)
            self.assertGreater(min(out.shape), 8)
        self.assertEqual(seen, set(OUTLIER_KINDS))


class SamplingTest(unittest.TestCase):
    def test_each_label_gets_a_third_and_origins_share_by_sqrt_count(self):
        recs = [rec(0, "rdb", i) for i in range(400)] + [rec(0, "figure", i) for i in range(100)] + \
               [rec(1, "rdb", i) for i in range(50)] + [rec(2, "nih", i) for i in range(30)]
        w, cells = sampling_weights(recs)
        labels = np.array([r.label for r in recs])
        for c in range(3):
            self.assertAlmostEqual(float(w[labels == c].sum()), 1 / 3)
        origins = np.array([r.origin for r in recs])
        self.assertAlmostEqual(float(w[(labels == 0) & (origins == "rdb")].sum() / w[labels == 0].sum()), 20 / 30)
        self.assertEqual(cells["covid/rdb"], 400)


class ThresholdRuleTest(unittest.TestCase):
    def test_weighted_quantile(self):
        v = np.arange(100, dtype=float)
        self.assertEqual(weighted_quantile(v, np.ones(100), 0.95), 94.0)

    def test_high_threshold_weights_negative_film_cells_equally(self):
        # 1,000 negatives of one origin with low scores, 20 of another with high scores: the small cell
        # counts as much as the big one, so the threshold sits inside the small cell's scores.
        p = np.concatenate([np.full(1000, 0.1), np.linspace(0.5, 0.9, 20), np.full(50, 0.95)])
        labels = np.array([1] * 1020 + [0] * 50)
        cells = np.array(["normal/rdb"] * 1000 + ["pneumonia/nih"] * 20 + ["covid/rdb"] * 50)
        t = high_threshold(p, labels, cells)
        self.assertGreater(t, 0.7)
        self.assertLessEqual(t, 0.9)

    def test_publication_figures_do_not_set_the_high_threshold(self):
        p = np.concatenate([np.full(100, 0.1), np.full(20, 0.99)])
        labels = np.array([1] * 120)
        cells = np.array(["normal/rdb"] * 100 + ["pneumonia/figure"] * 20)
        self.assertAlmostEqual(high_threshold(p, labels, cells), 0.1)


class FoldFilterTest(unittest.TestCase):
    def test_holdout_by_origin_or_cell(self):
        self.assertTrue(held_out(rec(0, "rdb"), ["rdb"]))
        self.assertTrue(held_out(rec(0, "rdb"), ["covid/rdb"]))
        self.assertFalse(held_out(rec(1, "rdb"), ["covid/rdb"]))
        self.assertFalse(held_out(rec(1, "nih"), ["figure"]))


class ExportWrapperV2Test(unittest.TestCase):
    def test_ood_is_the_larger_of_the_two_scaled_scores(self):
        torch.manual_seed(0)
        net = CxrNetV2().eval()
        c = net.feature_dim
        wrapper = ExportWrapperV2(net, 1.0, torch.zeros(3, c), torch.eye(c), maha_scale=10.0, outlier_scale=0.5).eval()
        x = torch.randn(3, 1, 224, 224)
        with torch.no_grad():
            logits, probs, ood, cam = wrapper(x)
            pooled = net.forward_features(x).mean(dim=(2, 3))
            maha = pooled.norm(dim=1) / 10.0
            outl = torch.sigmoid(net.outlier_logit(pooled)) / 0.5
        self.assertTrue(torch.allclose(ood, torch.maximum(maha, outl), atol=1e-5))
        self.assertEqual(tuple(cam.shape), (3, 3, 14, 14))
        self.assertTrue(torch.allclose(probs.sum(1), torch.ones(3), atol=1e-6))


if __name__ == "__main__":
    unittest.main()
