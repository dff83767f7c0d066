# ===- brian2_common.py - What the Brian2 peer scripts share --------------===#
#
# The duration argument and the CV of inter-spike intervals, computed the
# same way for every classic example (bench/classic/compare.py applies the
# scripts' statistics to snnc's spikes too).
#
# ===----------------------------------------------------------------------===#
"""Helpers shared by the Brian2 scripts of bench/brian2."""

import argparse
import re

def duration_ms(text):
    """'1s', '500ms', '500 ms' or a bare number of milliseconds."""
    match = re.fullmatch(r"\s*([0-9.eE+-]+)\s*(ms|s)?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError("not a duration: %r" % text)
    value = float(match.group(1))
    return value * 1000.0 if match.group(2) == "s" else value

def cv_isi(times_ms, indices, n):
    """Mean over neurons with at least three spikes of std(ISI)/mean(ISI)."""
    import numpy as np
    order = np.lexsort((times_ms, indices))
    times_ms, indices = times_ms[order], indices[order]
    bounds = np.searchsorted(indices, np.arange(n + 1))
    cvs = []
    for k in range(n):
        spikes = times_ms[bounds[k]:bounds[k + 1]]
        if len(spikes) >= 3:
            isi = np.diff(spikes)
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")
