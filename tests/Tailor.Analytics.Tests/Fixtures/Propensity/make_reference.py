"""Reference values for Tailor's propensity metrics and recency baseline (tests/Tailor.Analytics.Tests/Propensity).

Computes, on small made-up inputs generated here with a fixed seed:
  - roc_auc_score on scores with many ties (scores rounded to one decimal), and log_loss;
  - calibration_curve(strategy="uniform", n_bins=10), including predictions exactly on bin edges;
  - LogisticRegression coefficients on one feature (recency-like days), C=1.0 and C=0.01, and with no penalty.
Written with scikit-learn 1.2.1 and numpy 1.24.2 (Debian's python3-sklearn).
Re-run from this folder:  /usr/bin/python3 make_reference.py > reference.json
"""
import json

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

rng = np.random.RandomState(19)

# AUC with ties: 200 labels, scores correlated with them, rounded so many are tied (some to 0.0 and 1.0, which
# also checks the log-loss clipping).
auc_labels = rng.rand(200) < 0.35
auc_scores = np.round(np.clip(0.3 + 0.25 * auc_labels + rng.normal(0, 0.2, 200), 0.01, 0.99), 1)

# Calibration: probabilities in [0, 1] plus values on the bin edges and the ends.
cal_probs = np.concatenate([rng.rand(300), [0.0, 0.1, 0.2, 0.5, 0.9, 1.0]])
cal_labels = rng.rand(cal_probs.size) < cal_probs

# Logistic regression on one feature: recency in days, churn more likely the longer ago.
lr_x = rng.gamma(2.0, 30.0, 250)
lr_y = rng.rand(250) < 1 / (1 + np.exp(-(-2.0 + 0.04 * lr_x)))


def fit(c, penalty="l2"):
    model = LogisticRegression(C=c, penalty=penalty, solver="newton-cg", tol=1e-10, max_iter=10000)
    model.fit(lr_x.reshape(-1, 1), lr_y)
    return {"intercept": float(model.intercept_[0]), "coefficient": float(model.coef_[0, 0])}


prob_true, prob_pred = calibration_curve(cal_labels, cal_probs, n_bins=10, strategy="uniform")
print(json.dumps({
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "auc": {
        "labels": auc_labels.tolist(),
        "scores": auc_scores.tolist(),
        "roc_auc_score": roc_auc_score(auc_labels, auc_scores),
        "log_loss": log_loss(auc_labels, auc_scores),
    },
    "calibration": {
        "labels": cal_labels.tolist(),
        "probabilities": cal_probs.tolist(),
        "prob_true": prob_true.tolist(),
        "prob_pred": prob_pred.tolist(),
    },
    "logistic": {
        "x": lr_x.tolist(),
        "y": lr_y.tolist(),
        "c_1": fit(1.0),
        "c_0_01": fit(0.01),
        "no_penalty": fit(1.0, penalty=None),
    },
}, indent=1))
