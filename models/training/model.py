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


class CxrNetV2(CxrNet):
    """cxr-tri-v2: a 4x4 stride-4 learned "patchify" stem (224 -> 56) instead of two stride-2 convs at
    112 and 56 px, and wider later stages: about 2x faster to train on 2 CPU cores at more capacity,
    which is what bounds the recipe (issue #9: about an hour of training). Last conv layer still 14x14
    for Grad-CAM. Plus an outlier head (see below).

    The outlier head is a logistic unit on the pooled features, trained with outlier exposure
    (Hendrycks et al., ICLR 2019: inverted, rotated, cropped, tiled films and textures, data_v2.outlier_draw)
    against every real training film. It only feeds the `ood` output; the 3 class logits keep their
    meaning, so the app's schema stays the same.
    """

    def __init__(self, widths=(32, 48, 96, 128, 192), dropout: float = 0.3):
        nn.Module.__init__(self)
        w0, w1, w2, w3, w4 = widths
        self.features = nn.Sequential(
            nn.Conv2d(1, w0, 4, stride=4, bias=False), nn.BatchNorm2d(w0), nn.ReLU(inplace=True),  # 56
            conv_bn_relu(w0, w1),
            conv_bn_relu(w1, w2, stride=2),  # 28
            conv_bn_relu(w2, w2),
            conv_bn_relu(w2, w3, stride=2),  # 14
            conv_bn_relu(w3, w3),
            conv_bn_relu(w3, w4),  # last conv layer: Grad-CAM target
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(w4, len(LABELS))
        self.feature_dim = w4
        self.outlier_head = nn.Linear(w4, 1)

    def outlier_logit(self, pooled: torch.Tensor) -> torch.Tensor:
        return self.outlier_head(pooled).squeeze(1)


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


class ExportWrapperV2(ExportWrapper):
    """As ExportWrapper, but ood = max(mahalanobis / mahaScale, sigmoid(outlier_logit) / outlierScale):
    either the features are far from every training class, or the outlier head recognises a non-film.
    Both scales are fitted on train/val (calibrate.py), so the threshold is 1.0."""

    def __init__(self, net: CxrNetV2, temperature: float, class_means: torch.Tensor, precision: torch.Tensor,
                 maha_scale: float, outlier_scale: float):
        super().__init__(net, temperature, class_means, precision)
        self.register_buffer("inv_maha_scale", torch.tensor(1.0 / float(maha_scale), dtype=torch.float32))
        self.register_buffer("inv_outlier_scale", torch.tensor(1.0 / float(outlier_scale), dtype=torch.float32))

    def forward(self, x: torch.Tensor):
        feats = self.net.forward_features(x)
        pooled = feats.mean(dim=(2, 3))
        logits = self.net.head(pooled)
        probabilities = torch.softmax(logits * self.inv_temperature, dim=1)
        diff = pooled.unsqueeze(1) - self.class_means.unsqueeze(0)
        maha = torch.sqrt(torch.clamp(((diff @ self.precision) * diff).sum(dim=2).min(dim=1).values, min=0.0))
        p_outlier = torch.sigmoid(self.net.outlier_logit(pooled))
        ood = torch.maximum(maha * self.inv_maha_scale, p_outlier * self.inv_outlier_scale)
        cam_raw = torch.relu(torch.einsum("ck,nkhw->nchw", self.net.head.weight, feats))
        cam = cam_raw / (cam_raw.amax(dim=(2, 3), keepdim=True) + 1e-8)
        return logits, probabilities, ood, cam
