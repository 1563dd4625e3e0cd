"""In-graph Grad-CAM (ExportWrapper.cam) == autograd Grad-CAM with hooks on the last conv block.

Run: cd models/training && /usr/bin/python3 -m unittest discover -s tests -v
Uses the trained run if present (runs/cxr-tri-v1), else a seeded freshly initialised network.
"""
import os
import sys
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import RUN_DIR  # noqa: E402
from model import CxrNet, ExportWrapper  # noqa: E402
from preprocessing import preprocess  # noqa: E402
from synthetic import chest_phantom, shepp_logan, to_uint  # noqa: E402


def autograd_gradcam(net: CxrNet, x: torch.Tensor, cls: int) -> torch.Tensor:
    """Textbook Grad-CAM (Selvaraju et al. 2017) via forward/backward hooks on the last conv block."""
    store = {}
    target = net.features[-1]
    h1 = target.register_forward_hook(lambda m, i, o: store.__setitem__("A", o))
    h2 = target.register_full_backward_hook(lambda m, gi, go: store.__setitem__("G", go[0]))
    try:
        x = x.clone().requires_grad_(True)
        logits = net(x)
        net.zero_grad()
        logits[:, cls].sum().backward()
    finally:
        h1.remove()
        h2.remove()
    alpha = store["G"].mean(dim=(2, 3), keepdim=True)  # [N,K,1,1]
    return torch.relu((alpha * store["A"]).sum(dim=1)).detach()  # [N,h,w]


def dataset_images(n: int):
    """A few val radiographs when the shared dataset is present (read at test time, never stored)."""
    try:
        from data import load_gray, read_manifest

        val = [r for r in read_manifest() if r.split == "val"][:n]
        return [np.asarray(load_gray(r.path)) for r in val]
    except (FileNotFoundError, OSError):
        return []


def load_wrapper_or_fresh():
    if os.path.exists(os.path.join(RUN_DIR, "calibration.json")):
        from features import load_wrapper

        return load_wrapper()
    torch.manual_seed(0)
    net = CxrNet().eval()
    c = net.feature_dim
    return ExportWrapper(net, 1.5, torch.randn(3, c), torch.eye(c)).eval()


class GradCamTest(unittest.TestCase):
    def test_in_graph_cam_matches_autograd(self):
        wrapper = load_wrapper_or_fresh()
        net = wrapper.net
        imgs = [to_uint(chest_phantom(300, 260, seed=s, lesion=bool(s % 2)), 8) for s in range(4)]
        imgs.append(to_uint(shepp_logan(200), 8))
        imgs += dataset_images(3)
        x = torch.from_numpy(np.stack([preprocess(v) for v in imgs]))
        with torch.no_grad():
            _, _, _, cam = wrapper(x)
        for cls in range(3):
            ref = autograd_gradcam(net, x, cls)
            ref_max = ref.amax(dim=(1, 2), keepdim=True)
            for n in range(len(x)):
                got = cam[n, cls]
                if ref_max[n] <= 0:  # no positive evidence: both maps must be all zero
                    self.assertEqual(float(got.abs().max()), 0.0)
                    continue
                want = ref[n] / ref_max[n]
                rel = float((got - want).abs().max() / want.abs().max())
                self.assertLessEqual(rel, 1e-4, f"class {cls} image {n}: relative error {rel:.2e}")

    def test_raw_cam_scale_is_hw(self):
        """Unnormalised: ReLU(sum_k w_ck A_k) = h*w * autograd Grad-CAM (alpha = w_ck/(h*w))."""
        torch.manual_seed(1)
        net = CxrNet().eval()
        x = torch.randn(2, 1, 224, 224)
        with torch.no_grad():
            feats = net.forward_features(x)
            raw = torch.relu(torch.einsum("ck,nkhw->nchw", net.head.weight, feats))
        hw = feats.shape[2] * feats.shape[3]
        for cls in range(3):
            ref = autograd_gradcam(net, x, cls)
            err = float((raw[:, cls] / hw - ref).abs().max() / ref.abs().max().clamp(min=1e-12))
            self.assertLessEqual(err, 1e-4)


if __name__ == "__main__":
    unittest.main()
