#!/usr/bin/python3
"""Subsample the peer's --dump-features output into the committed peer30 fixture.

    /usr/bin/python3 make_peer30_fixture.py <dump.f64> <out_prefix>

Reads <dump.f64> (+ .json sidecar) written by pipeline_sklearn.py --dump-features and writes
<out_prefix>.f64 (float64 little-endian, column-major: every 4th dumped row) and <out_prefix>.json.
"""
import json
import sys

import numpy as np

src, out = sys.argv[1], sys.argv[2]
meta = json.load(open(src + ".json"))
cols, rows = meta["columns"], meta["rows"]
a = np.fromfile(src, dtype="<f8").reshape(len(cols), rows)
keep = np.arange(0, rows, 4)
a[:, keep].astype("<f8").tofile(out + ".f64")
json.dump({"columns": cols, "rows": int(len(keep)), "stride": 4,
           "first_row_index": meta["first_row_index"], "dumped_rows": rows}, open(out + ".json", "w"), indent=1)
