"""Alpha158 the way qlib computes it, for `npm run bench`: pandas, one
instrument at a time over its own dates, each sub-expression cached per
instrument (qlib's expression cache), rolling windows with min_periods=1.
Operators are qlib's own pandas code paths (qlib/data/ops.py): rolling
mean/std/sum/max/min/quantile/rank/corr, IdxMax/IdxMin by rolling.apply of
argmax, Corr masked where either side's rolling std is ~0. Slope, Rsquare
and Resi, which qlib computes in Cython, are vectorised rolling sums here
(faster than any pandas apply).

stdin:  {"data": dir, "symbols": [...], "expressions": [...]}
stdout: {"instruments", "cells", "seconds", "maxRssKb", "pandas", "sums": [[sum, count], ...]}
        sums: per expression, the sum and count of its finite values over
        the computed instruments, so the caller can check both computed the same.
"""
import json
import re
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
np.seterr(all="ignore")

# ---- the factor language: numbers, $fields, calls, + - * / > < (qlib's precedence) ----

TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?)|(\$[a-zA-Z_]\w*)|([A-Za-z_]\w*)|(.))")


def tokenize(text):
    tokens = []
    for number, field, name, symbol in TOKEN.findall(text):
        if number:
            tokens.append(("num", float(number)))
        elif field:
            tokens.append(("field", field[1:].lower()))
        elif name:
            tokens.append(("name", name))
        elif symbol.strip():
            tokens.append(("sym", symbol))
    return tokens


def parse(text):
    tokens = tokenize(text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else ("end", None)

    def take(kind=None, value=None):
        nonlocal pos
        tok = peek()
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            raise ValueError(f"unexpected {tok} in {text}")
        pos += 1
        return tok

    def binary(level):
        ops = [("<", ">"), ("+", "-"), ("*", "/")]
        if level == len(ops):
            return unary()
        left = binary(level + 1)
        while peek()[0] == "sym" and peek()[1] in ops[level]:
            op = take()[1]
            right = binary(level + 1)
            left = ({"<": "Lt", ">": "Gt", "+": "Add", "-": "Sub", "*": "Mul", "/": "Div"}[op], left, right)
        return left

    def unary():
        kind, value = peek()
        if kind == "sym" and value == "-":
            take()
            return ("Mul", ("num", -1.0), unary())
        if kind == "num":
            take()
            return ("num", value)
        if kind == "field":
            take()
            return ("field", value)
        if kind == "sym" and value == "(":
            take()
            inner = binary(0)
            take("sym", ")")
            return inner
        name = take("name")[1]
        take("sym", "(")
        args = [binary(0)]
        while peek() == ("sym", ","):
            take()
            args.append(binary(0))
        take("sym", ")")
        return (name, *args)

    tree = binary(0)
    if pos != len(tokens):
        raise ValueError(f"trailing input in {text}")
    return tree


# ---- qlib's operators over one instrument's series ----

def rolling(s, n):
    n = int(n)
    return s.expanding(min_periods=1) if n == 0 else s.rolling(n, min_periods=1)


def regression(y, n, what):
    """Least squares of y on the day index over each window's finite days, from rolling sums."""
    ok = y.notna()
    t = pd.Series(np.arange(len(y), dtype=float), index=y.index).where(ok)
    c = rolling(ok.astype(float), n).sum()
    st, sy = rolling(t, n).sum(), rolling(y, n).sum()
    stt, sty, syy = rolling(t * t, n).sum(), rolling(t * y, n).sum(), rolling(y * y, n).sum()
    vt, cov, vy = c * stt - st * st, c * sty - st * sy, c * syy - sy * sy
    slope = (cov / vt).where(c >= 2)
    if what == "slope":
        return slope
    if what == "rsquare":
        std = rolling(y, n).std()
        return (cov * cov / (vt * vy)).where((c >= 2) & ~np.isclose(std, 0, atol=2e-5))
    return y - (sy / c + slope * (t - st / c))


def corr(a, b, n):
    res = rolling(a, n).corr(b)
    res[np.isclose(rolling(a, n).std(), 0, atol=2e-5)] = np.nan
    res[np.isclose(rolling(b, n).std(), 0, atol=2e-5)] = np.nan
    return res


def evaluate(node, fields, cache):
    key = repr(node)
    if key in cache:
        return cache[key]
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "field":
        return fields[node[1]]
    args = [evaluate(a, fields, cache) for a in node[1:]]
    a = args[0]
    b = args[1] if len(args) > 1 else None
    if kind == "Add":
        out = a + b
    elif kind == "Sub":
        out = a - b
    elif kind == "Mul":
        out = a * b
    elif kind == "Div":
        out = a / b
    elif kind == "Gt":
        out = (a > b).astype(float)
    elif kind == "Lt":
        out = (a < b).astype(float)
    elif kind == "Greater":
        out = np.maximum(a, b)
    elif kind == "Less":
        out = np.minimum(a, b)
    elif kind == "Abs":
        out = a.abs()
    elif kind == "Log":
        out = np.log(a)
    elif kind == "Ref":
        out = a.shift(int(b))
    elif kind == "Mean":
        out = rolling(a, b).mean()
    elif kind == "Sum":
        out = rolling(a, b).sum()
    elif kind == "Std":
        out = rolling(a, b).std()
    elif kind == "Max":
        out = rolling(a, b).max()
    elif kind == "Min":
        out = rolling(a, b).min()
    elif kind == "Quantile":
        out = rolling(a, b).quantile(args[2])
    elif kind == "Rank":
        out = rolling(a, b).rank(pct=True)
    elif kind == "IdxMax":
        out = rolling(a, b).apply(lambda x: x.argmax() + 1, raw=True)
    elif kind == "IdxMin":
        out = rolling(a, b).apply(lambda x: x.argmin() + 1, raw=True)
    elif kind == "Corr":
        out = corr(a, b, args[2])
    elif kind in ("Slope", "Rsquare", "Resi"):
        out = regression(a, b, kind.lower())
    else:
        raise ValueError(f"operator {kind} is not in this baseline")
    cache[key] = out
    return out


# ---- qlib's bin format ----

def read_field(path):
    raw = np.fromfile(path, dtype="<f4")
    start = int(raw[0])
    values = raw[1:].astype(np.float64)
    return start, values


def main():
    request = json.load(sys.stdin)
    root = Path(request["data"])
    calendar = (root / "calendars" / "day.txt").read_text().split()
    symbols = request["symbols"]
    trees = [parse(e) for e in request["expressions"]]
    names = sorted({n for t in trees for n in re.findall(r"'field', '(\w+)'", repr(t))})

    series = []
    for symbol in symbols:
        fields = {}
        for name in names:
            path = root / "features" / symbol.lower() / f"{name}.day.bin"
            start, values = read_field(path)
            fields[name] = pd.Series(values, index=pd.Index(calendar[start:start + len(values)]))
        index = fields[names[0]].index
        series.append({k: v.reindex(index) for k, v in fields.items()})

    sums = [[0.0, 0] for _ in trees]
    cells = 0
    started = time.perf_counter()
    for fields in series:
        cache = {}
        cells += len(next(iter(fields.values())))
        for k, tree in enumerate(trees):
            values = np.asarray(evaluate(tree, fields, cache), dtype=float)
            finite = values[np.isfinite(values)]
            sums[k][0] += float(finite.sum())
            sums[k][1] += int(finite.size)
    seconds = time.perf_counter() - started
    json.dump(
        {
            "instruments": len(series),
            "cells": cells,
            "seconds": seconds,
            "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "pandas": pd.__version__,
            "sums": sums,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
