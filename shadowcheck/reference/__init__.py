"""Holds the reference CNN training script (``cnn_train.py``).

shadowcheck reads this script as a fixture of realistic ML imports; it never
imports it, so keras, scikit-learn and a backend stay optional.
"""
