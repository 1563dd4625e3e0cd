"""Compact CNN for 3-class chest X-ray triage, plus the export wrapper that adds
calibrated probabilities, the Mahalanobis OOD score and in-graph Grad-CAM.

Small and trained from scratch on purpose (Raghu et al., "Transfusion", NeurIPS 2019):
no pretrained weights are available offline and the pool has only ~1,000 training images.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

LABELS = ["covid", "normal", "pneumonia"]


def conv_bn_relu(c_in: int, c_out: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class CxrNet(nn.Module):
    """224x224x1 -> features [N,C,14,14] -> global average pool -> dropout -> linear(3).

    The last convolutional block keeps 14x14 resolution so Grad-CAM maps are not too coarse.
    A GAP + linear head makes Grad-CAM exactly ReLU(sum_k w_ck A_k) / (h*w) (see cam()).
    """

    def __init__(self, widths=(24, 32, 64, 128, 160), dropout: float = 0.3):
        super().__init__()
        w0, w1, w2, w3, w4 = widths
        self.features = nn.Sequential(
            conv_bn_relu(1, w0, stride=2),  # 112
            conv_bn_relu(w0, w1, stride=2),  # 56
            conv_bn_relu(w1, w1),
            conv_bn_relu(w1, w2, stride=2),  # 28
            conv_bn_relu(w2, w2),
            conv_bn_relu(w2, w3, stride=2),  # 14
            conv_bn_relu(w3, w3),
            conv_bn_relu(w3, w4),  # last conv layer: Grad-CAM target
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(w4, len(LABELS))
        self.feature_dim = w4

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = self.forward_features(x).mean(dim=(2, 3))
        return self.head(self.dropout(pooled))


class ExportWrapper(nn.Module):
    """What goes into model.onnx: logits, calibrated probabilities, ood and cam in one pass.

    - probabilities = softmax(logits / temperature) (temperature fitted on val).
    - ood = sqrt(min_c (f - mu_c)^T P (f - mu_c)): Mahalanobis distance of the pooled features f
      to the nearest training class mean, shared (shrunk) covariance with precision P
      (Lee et al., NeurIPS 2018). Larger = more unfamiliar.
    - cam[n,c] = ReLU(sum_k w_ck A_k) divided by its spatial max (+1e-8), i.e. each class map in
      [0,1]. Equal to autograd Grad-CAM (alpha_ck = w_ck/(h*w)) up to that positive scale.
    """

    def __init__(self, net: CxrNet, temperature: float, class_means: torch.Tensor, precision: torch.Tensor):
        super().__init__()
        self.net = net.eval()
        self.register_buffer("inv_temperature", torch.tensor(1.0 / float(temperature), dtype=torch.float32))
        self.register_buffer("class_means", class_means.float())  # [3, C]
        self.register_buffer("precision", precision.float())  # [C, C]

    def forward(self, x: torch.Tensor):
        feats = self.net.forward_features(x)  # [N,C,h,w]
        pooled = feats.mean(dim=(2, 3))  # [N,C]
        logits = self.net.head(pooled)  # dropout is identity in eval
        probabilities = torch.softmax(logits * self.inv_temperature, dim=1)
        diff = pooled.unsqueeze(1) - self.class_means.unsqueeze(0)  # [N,3,C]
        maha_sq = ((diff @ self.precision) * diff).sum(dim=2)  # [N,3]
        ood = torch.sqrt(torch.clamp(maha_sq.min(dim=1).values, min=0.0))
        cam_raw = torch.relu(torch.einsum("ck,nkhw->nchw", self.net.head.weight, feats))
        cam_max = cam_raw.amax(dim=(2, 3), keepdim=True)
        cam = cam_raw / (cam_max + 1e-8)
        return logits, probabilities, ood, cam
