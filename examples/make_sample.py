#!/usr/bin/python3
"""Write examples/sample.npy: 12 embedding rows of width 64, float32, for a first run.

Rows 0-8 are standard Gaussian vectors, whose norms sit near sqrt(64) = 8 as Chi_64 predicts.
Row 9 is shrunk to a tenth, row 10 stretched three times and row 11 is L2-normalised, so the
scores show what an atypical norm looks like. Deterministic: the seed is fixed.

Usage: /usr/bin/python3 examples/make_sample.py   (needs python3-numpy)
"""
import numpy as np

rng = np.random.default_rng(20261204)
rows = rng.standard_normal((12, 64))
rows[9] *= 0.1
rows[10] *= 3.0
rows[11] /= np.linalg.norm(rows[11])
np.save("examples/sample.npy", rows.astype(np.float32))
