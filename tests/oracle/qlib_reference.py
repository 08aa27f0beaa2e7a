"""Reference implementation of every operator, written independently of the
TypeScript kernels: qlib's semantics expressed with pandas/numpy, one
instrument at a time over its own dates (as qlib/data/ops.py does).

stdin:  {"T", "N", "start": [...], "end": [...], "universe": b64 uint8 | null,
         "series": {name: b64 float64 (N*T, instrument-major)},
         "cases": [{"id", "op", "args": [{"series": name} | {"const": number}]}]}
stdout: {"results": {id: b64 float64 (N*T)}}

Where our documented semantics deliberately differ from what pandas happens
to return, the difference is applied here explicitly and commented.
"""
import base64
import json
import sys
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
np.seterr(all="ignore")


def decode(b64, dtype):
    return np.frombuffer(base64.b64decode(b64), dtype=dtype).copy()


def encode(arr):
    return base64.b64encode(np.ascontiguousarray(arr, dtype="<f8").tobytes()).decode()


def window_of(s, n):
    """qlib's Rolling: N = 0 is expanding, else rolling(N, min_periods=1)."""
    return s.expanding(min_periods=1) if n == 0 else s.rolling(int(n), min_periods=1)


def no_inf(s):
    return s.replace([np.inf, -np.inf], np.nan)


# ---- qlib's rolling.apply functions (qlib/data/ops.py) ----

def mad(x):
    x1 = x[~np.isnan(x)]
    return np.mean(np.abs(x1 - x1.mean()))


def weighted_mean(x):
    w = np.arange(len(x)) + 1
    w = w / w.sum()
    return np.nanmean(w * x)


def exp_weighted_mean(x):
    a = 1 - 2 / (1 + len(x))
    w = a ** np.arange(len(x))[::-1]
    w /= w.sum()
    return np.nansum(w * x)


# ---- qlib's Cython regression, per window (positions 1..L, missing days skipped) ----

def regression(values, n, what):
    """Direct least squares for every window; qlib's Cython keeps running sums
    (same math, plus drift). Non-finite values are missing (see regression.ts)."""
    out = np.full(len(values), np.nan)
    y_all = np.where(np.isfinite(values), values, np.nan)
    for t in range(len(values)):
        w0 = 0 if n == 0 else max(0, t - n + 1)
        y = y_all[w0:t + 1]
        pos = np.arange(len(y), dtype=float)
        ok = ~np.isnan(y)
        if ok.sum() < 2:
            continue
        px, py = pos[ok], y[ok]
        dx, dy = px - px.mean(), py - py.mean()
        sxx, syy, sxy = (dx * dx).sum(), (dy * dy).sum(), (dx * dy).sum()
        slope = sxy / sxx
        if what == "slope":
            out[t] = 0.0 if np.all(py == py[0]) else slope
        elif what == "rsquare":
            # an all-equal window is 0/0; qlib's Cython returns rounding noise or NaN there
            out[t] = np.nan if np.all(py == py[0]) else sxy * sxy / (sxx * syy)
        else:
            if np.isnan(y[-1]):
                continue
            out[t] = y[-1] - (py.mean() + slope * (pos[-1] - px.mean()))
    return out


def moments_per_window(values, n, what):
    """pandas rolling skew/kurt semantics (calc_skew / calc_kurt in
    pandas/_libs/window/aggregations.pyx: NaN below 3 / 4 values, 0 / -3 for an
    all-equal window, NaN when the biased variance B <= 1e-14), evaluated two-pass
    per window. pandas itself sums raw powers of the values minus the series'
    global mean, which loses digits on trending prices (0.35% on SH601012's
    Kurt(close, 60) in its first days), so its rounding is not the reference."""
    out = np.full(len(values), np.nan)
    y_all = np.where(np.isfinite(values), values, np.nan)
    need = 3 if what == "skew" else 4
    for t in range(len(values)):
        w0 = 0 if n == 0 else max(0, t - n + 1)
        y = y_all[w0:t + 1]
        y = y[~np.isnan(y)]
        k = len(y)
        if k < need:
            continue
        if np.all(y == y[0]):
            out[t] = 0.0 if what == "skew" else -3.0
            continue
        d = y - y.mean()
        B = (d * d).mean()
        if B <= 1e-14:
            continue
        if what == "skew":
            out[t] = np.sqrt(k * (k - 1)) / (k - 2) * (d ** 3).mean() / B ** 1.5
        else:
            out[t] = ((k * k - 1) * (d ** 4).mean() / (B * B) - 3 * (k - 1) ** 2) / ((k - 2) * (k - 3))
    return out


def rolling_op(op, s, n, extra=None):
    if op == "Ref":
        return pd.Series(s.iloc[0], index=s.index) if n == 0 else s.shift(int(n))
    if op == "Delta":
        return s - s.iloc[0] if n == 0 else s - s.shift(int(n))
    if op == "EMA":
        if n == 0:
            return s.expanding(min_periods=1).apply(exp_weighted_mean, raw=True)
        if 0 < n < 1:
            return s.ewm(alpha=n, min_periods=1).mean()
        return s.ewm(span=n, min_periods=1).mean()
    r = window_of(s, n)
    if op in ("Skew", "Kurt"):
        return pd.Series(moments_per_window(s.values, int(n), op.lower()), index=s.index)
    simple = {"Mean": "mean", "Sum": "sum", "Std": "std", "Var": "var",
              "Max": "max", "Min": "min", "Med": "median", "Count": "count"}
    if op in simple:
        return getattr(r, simple[op])()
    if op == "Rank":
        return r.rank(pct=True)
    if op == "Quantile":
        return r.quantile(extra)
    if op == "Mad":
        return r.apply(mad, raw=True)
    if op == "WMA":
        return r.apply(weighted_mean, raw=True)
    if op == "IdxMax":
        return r.apply(lambda x: x.argmax() + 1, raw=True)
    if op == "IdxMin":
        return r.apply(lambda x: x.argmin() + 1, raw=True)
    if op in ("Slope", "Rsquare", "Resi"):
        out = pd.Series(regression(s.values, int(n), op.lower()), index=s.index)
        if op == "Rsquare" and n > 0:
            out.loc[np.isclose(s.rolling(int(n), min_periods=1).std(), 0, atol=2e-05)] = np.nan
        return out
    raise KeyError(op)


def pair_rolling(op, a, b, n):
    ra, rb = window_of(a, n), window_of(b, n)
    if op == "Cov":
        res = ra.cov(b)
    else:
        res = ra.corr(b)
        # qlib masks with each series' own rolling std; for N = 0 qlib's own code
        # fails (rolling(0)), we use the expanding std as documented
        res.loc[np.isclose(ra.std(), 0, atol=2e-05) | np.isclose(rb.std(), 0, atol=2e-05)] = np.nan
    # Over the paired days a constant series has zero variance: pandas then divides
    # by zero (NaN or +-inf depending on rounding); our contract is Cov 0, Corr NaN.
    pa, pb = no_inf(a + 0 * b), no_inf(b + 0 * a)
    wa, wb = window_of(pa, n), window_of(pb, n)
    paired = wa.count() >= 2
    constant = paired & ((wa.max() == wa.min()) | (wb.max() == wb.min()))
    res[constant] = 0.0 if op == "Cov" else np.nan
    return res


ELEMENTWISE = {"Abs": np.abs, "Log": np.log,
               "Sign": lambda s: np.sign(s.astype(np.float32)).astype(float),  # qlib casts to float32 first
               "Not": lambda s: np.logical_not(s).astype(float)}
PAIR = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide,
        "Greater": np.maximum, "Less": np.minimum, "Gt": np.greater, "Ge": np.greater_equal,
        "Lt": np.less, "Le": np.less_equal, "Eq": np.equal, "Ne": np.not_equal,
        "And": np.logical_and, "Or": np.logical_or}
ROLLING = {"Ref", "Delta", "Mean", "Sum", "Std", "Var", "Skew", "Kurt", "Max", "Min", "Med", "Mad", "Slope",
           "Rsquare", "Resi", "Rank", "Count", "WMA", "IdxMax", "IdxMin", "Quantile", "EMA"}


def cross_section(op, values, extra):
    """One day's members' finite values (a pd.Series) -> results."""
    if op == "CSRank":
        return values.rank(pct=True)
    if op == "CSDemean":
        return values * 0.0 if values.nunique() == 1 else values - values.mean()
    if op == "CSZScore":
        if len(values) < 2 or values.nunique() == 1:
            return values * np.nan
        return (values - values.mean()) / values.std(ddof=1)
    if op == "CSScale":
        total = values.abs().sum()
        return values * np.nan if total == 0 else values / total
    if op == "CSWinsorize":
        return values.clip(values.quantile(extra), values.quantile(1 - extra))
    raise KeyError(op)


def run_case(case, T, N, start, end, universe, series):
    op = case["op"]
    args = [series[a["series"]] if "series" in a else a["const"] for a in case["args"]]
    out = np.full(N * T, np.nan)
    if op.startswith("CS"):
        x = args[0]
        extra = args[1] if len(args) > 1 else None
        for t in range(T):
            idx = [i for i in range(N) if start[i] <= t < end[i] and np.isfinite(x[i * T + t])
                   and (universe is None or universe[i * T + t] == 1)]
            if not idx:
                continue
            vals = pd.Series([x[i * T + t] for i in idx], index=idx)
            res = cross_section(op, vals, extra)
            for i in idx:
                out[i * T + t] = res[i]
        return out
    for i in range(N):
        s0, e0 = int(start[i]), int(end[i])
        if e0 <= s0:
            continue
        sl = slice(i * T + s0, i * T + e0)

        def own(a):
            return pd.Series(a[sl]) if isinstance(a, np.ndarray) else a

        if op in ELEMENTWISE:
            res = ELEMENTWISE[op](own(args[0]))
        elif op == "Power":
            res = np.power(own(args[0]), args[1])
        elif op in PAIR:
            a, b = own(args[0]), own(args[1])
            res = PAIR[op](a, b)
            res = pd.Series(np.asarray(res, dtype=float))
        elif op == "If":
            c, a, b = own(args[0]), own(args[1]), own(args[2])
            res = pd.Series(np.where(c, a, b), dtype=float)
        elif op in ROLLING:
            res = rolling_op(op, own(args[0]), args[1], args[2] if len(args) > 2 else None)
        elif op in ("Corr", "Cov"):
            res = pair_rolling(op, own(args[0]), own(args[1]), args[2])
        else:
            raise KeyError(op)
        out[sl] = np.asarray(res, dtype=float)
    return out


def main():
    req = json.load(sys.stdin)
    T, N = req["T"], req["N"]
    start, end = req["start"], req["end"]
    universe = decode(req["universe"], np.uint8) if req.get("universe") else None
    series = {k: decode(v, "<f8") for k, v in req["series"].items()}
    results = {c["id"]: encode(run_case(c, T, N, start, end, universe, series)) for c in req["cases"]}
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
