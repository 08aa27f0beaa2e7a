#!/usr/bin/env python3
"""An independent re-implementation, in pandas, of what `alphaswarm backtest`
computes from its predictions: daily IC / RankIC per split, qlib's TopkDropout
backtest over the test period, and the risk metrics in qlib's and
R&D-Agent(Q)'s conventions.

It shares nothing with the TypeScript code but the written rules (qlib's
semantics): it reads the raw qlib .bin files itself, recomputes the label
from the closes, and takes only the prediction scores from the CLI
(--dump-scores). It prints one JSON object.

usage: reference_backtest.py --data DIR --universe U --scores FILE.csv
         --test-first DATE --test-last DATE --market cn|us [--benchmark SYMBOL]
         [--topk 50] [--n-drop 5]
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import pandas as pd

OPEN_COST, CLOSE_COST, MIN_COST = 0.0005, 0.0015, 5.0
RISK_DEGREE, HOLD_THRESH, INITIAL_CASH = 0.95, 1, 100_000_000.0
MIN_NAMES = 10


def read_calendar(root):
    with open(os.path.join(root, "calendars", "day.txt")) as f:
        return [line.strip() for line in f if line.strip()]


def read_field(root, symbol, field, T):
    """A calendar-length float64 array of one field (NaN where the file has no value)."""
    out = np.full(T, np.nan)
    path = os.path.join(root, "features", symbol.lower(), f"{field}.day.bin")
    if not os.path.exists(path):
        return out
    raw = np.fromfile(path, dtype="<f4")
    if raw.size == 0:
        return out
    start = int(raw[0])
    values = raw[1:].astype(np.float64)
    out[start:start + values.size] = values[: T - start]
    return out


def read_members(root, universe):
    members = {}
    with open(os.path.join(root, "instruments", f"{universe}.txt")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                members.setdefault(parts[0].upper(), []).append((parts[1], parts[2]))
    return members


def day_ic(frame):
    """Pearson and Spearman (average ranks) of score vs label on one day; NaN under MIN_NAMES names."""
    ok = frame.dropna()
    if len(ok) < MIN_NAMES:
        return pd.Series({"ic": np.nan, "rank_ic": np.nan})
    return pd.Series({
        "ic": ok["score"].corr(ok["label"]),
        "rank_ic": ok["score"].rank().corr(ok["label"].rank()),
    })


def summary(series):
    s = series.dropna()
    mean, std = s.mean(), s.std(ddof=1)
    return {"mean": mean, "std": std, "ir": mean / std, "days": int(s.size)}


def qlib_risk(r):
    """qlib risk_analysis, mode 'sum', daily: 238 days a year."""
    mean, std = r.mean(), r.std(ddof=1)
    cum = r.cumsum()
    mdd = (cum - cum.cummax()).min()
    arr = mean * 238
    return {"annualized_return": arr, "information_ratio": mean / std * math.sqrt(238), "max_drawdown": mdd, "calmar": arr / abs(mdd)}


def rdagent_risk(r):
    """R&D-Agent(Q) Appendix C.4: compounded, 252 days a year."""
    mean, std = r.mean(), r.std(ddof=1)
    value = (1 + r).cumprod()
    mdd = (value / value.cummax() - 1).min()
    arr = value.iloc[-1] ** (252 / len(r)) - 1
    return {"annualized_return": arr, "information_ratio": mean / std * math.sqrt(252), "max_drawdown": mdd, "calmar": arr / abs(mdd)}


def lot_round(amount, factor, unit):
    if unit is None:
        return amount
    return math.floor((amount * factor + 0.1) / unit) * unit / factor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--universe", required=True)
    ap.add_argument("--scores", required=True)
    ap.add_argument("--test-first", required=True)
    ap.add_argument("--test-last", required=True)
    ap.add_argument("--market", choices=["cn", "us"], required=True)
    ap.add_argument("--benchmark", default=None)
    ap.add_argument("--topk", type=int, default=50)
    ap.add_argument("--n-drop", type=int, default=5)
    a = ap.parse_args()

    calendar = read_calendar(a.data)
    T = len(calendar)
    day_index = {d: t for t, d in enumerate(calendar)}
    scores = pd.read_csv(a.scores, dtype={"split": str, "date": str, "instrument": str, "score": float})
    symbols = sorted(set(read_members(a.data, a.universe)))
    close = pd.DataFrame({s: read_field(a.data, s, "close", T) for s in symbols}, index=calendar)
    volume = pd.DataFrame({s: read_field(a.data, s, "volume", T) for s in symbols}, index=calendar)
    factor = pd.DataFrame({s: read_field(a.data, s, "factor", T) for s in symbols}, index=calendar)

    # qlib's label Ref($close, -2) / Ref($close, -1) - 1, from the raw closes.
    label = close.shift(-2) / close.shift(-1) - 1
    label_long = label.stack(dropna=False).rename("label")
    label_long.index.names = ["date", "instrument"]

    signal = {}
    for split, rows in scores.groupby("split"):
        joined = rows.set_index(["date", "instrument"])[["score"]].join(label_long, how="left")
        joined["label"] = joined["label"].where(np.isfinite(joined["label"]))
        per_day = joined.groupby(level="date").apply(day_ic)
        ic, rank_ic = summary(per_day["ic"]), summary(per_day["rank_ic"])
        signal[split] = {"ic": ic["mean"], "icir": ic["ir"], "rank_ic": rank_ic["mean"], "rank_icir": rank_ic["ir"], "days": rank_ic["days"], "rows": int(len(rows))}

    # ---- TopkDropout over the test period ----
    first, last = day_index[a.test_first], day_index[a.test_last]
    test_scores = scores[scores["split"] == "test"]
    by_date = {d: g.set_index("instrument")["score"] for d, g in test_scores.groupby("date")}
    limit = 0.095 if a.market == "cn" else None
    unit = 100 if a.market == "cn" else None
    # Lots need a factor wherever there is a close in the window (else qlib trades adjusted amounts).
    window_close = close.iloc[first:last + 1]
    window_factor = factor.iloc[first:last + 1]
    if unit is not None and (window_close.notna() & ~(window_factor > 0)).any().any():
        unit = None
    change = close / close.shift(1) - 1

    def tradable(sym, d):
        c, v = close.at[d, sym], volume.at[d, sym]
        if not np.isfinite(c) or not (v > 0):
            return False
        if limit is None:
            return True
        ch = change.at[d, sym]
        return not (ch >= limit) and not (ch <= -limit)

    if a.benchmark:
        bench_close = pd.Series(read_field(a.data, a.benchmark, "close", T), index=calendar)
        bench = (bench_close / bench_close.shift(1) - 1).fillna(0)
    else:
        # Equal-weight mean of the members' close-to-close change (0 on a day with none).
        members = read_members(a.data, a.universe)
        ret = close / close.shift(1) - 1
        bench = pd.Series(0.0, index=calendar)
        for t in range(first, last + 1):
            d = calendar[t]
            vals = [ret.at[d, s] for s in symbols if any(lo <= d <= hi for lo, hi in members[s]) and np.isfinite(ret.at[d, s])]
            bench[d] = float(np.mean(vals)) if vals else 0.0

    order = {s: k for k, s in enumerate(symbols)}

    def ranked(codes, score):
        """Best score first, no score last, ties in symbol order (the CLI's fixed order among equal scores)."""
        return sorted(codes, key=lambda c: (0, -score[c], order[c]) if c in score and np.isfinite(score[c]) else (1, 0, order[c]))

    cash = INITIAL_CASH
    position = {}  # symbol -> [amount, last price, days held]
    prev_value = INITIAL_CASH
    days = []
    for t in range(first, last + 1):
        d = calendar[t]
        prev = calendar[t - 1]
        score = by_date.get(prev)
        cost = traded = 0.0
        if score is not None:
            score = score[np.isfinite(score)].to_dict()
        if score:
            held = ranked(list(position), score)
            candidates = ranked([c for c in score if c not in position], score)
            # Python slices as qlib's get_first_n: a negative end drops names from the back.
            today = candidates[: a.n_drop + a.topk - len(held)]
            comb = ranked(held + today, score)
            worst = set(comb[-a.n_drop:])
            sell = [c for c in held if c in worst]
            buy = today[: len(sell) + a.topk - len(held)]
            for c in sell:
                if not tradable(c, d) or position[c][2] < HOLD_THRESH:
                    continue
                price = close.at[d, c]
                value = position[c][0] * price
                fee = max(value * CLOSE_COST, MIN_COST)
                if cash + value < fee or value <= 1e-5:
                    continue
                cash += value - fee
                cost += fee
                traded += value
                del position[c]
            budget = cash * RISK_DEGREE / len(buy) if buy else 0.0
            for c in buy:
                if not tradable(c, d):
                    continue
                price = close.at[d, c]
                f = factor.at[d, c] if unit is not None else 1.0
                amount = budget / price
                want = amount * price
                want_fee = max(want * OPEN_COST, MIN_COST)
                if cash < want_fee:
                    amount = 0.0
                elif cash < want + want_fee:
                    critical = MIN_COST / OPEN_COST + MIN_COST
                    affordable = cash / (1 + OPEN_COST) / price if cash >= critical else (cash - MIN_COST) / price
                    amount = lot_round(min(affordable, amount), f, unit)
                else:
                    amount = lot_round(amount, f, unit)
                value = amount * price
                if value <= 1e-5:
                    continue
                fee = max(value * OPEN_COST, MIN_COST)
                cash -= value + fee
                cost += fee
                traded += value
                if c in position:
                    position[c][0] += amount
                else:
                    position[c] = [amount, price, 0]
        value = cash
        for c, h in position.items():
            p = close.at[d, c]
            if np.isfinite(p):
                h[1] = p
            h[2] += 1
            value += h[0] * h[1]
        r = (value - prev_value + cost) / prev_value
        days.append({"date": d, "return": r, "cost": cost / prev_value, "turnover": traded / prev_value, "bench": float(bench[d]), "holdings": len(position), "value": value})
        prev_value = value

    daily = pd.DataFrame(days).set_index("date")
    without_cost = daily["return"] - daily["bench"]
    with_cost = without_cost - daily["cost"]
    out = {
        "signal": signal,
        "backtest": {
            "trade_days": int(len(daily)),
            "turnover": float(daily["turnover"].mean()),
            "final_value": float(daily["value"].iloc[-1]),
            "qlib": {"with_cost": qlib_risk(with_cost), "without_cost": qlib_risk(without_cost)},
            "rdagent": {"with_cost": rdagent_risk(with_cost), "without_cost": rdagent_risk(without_cost)},
            "excess_with_cost": [float(x) for x in with_cost],
            "holdings": [int(x) for x in daily["holdings"]],
        },
    }
    json.dump(out, sys.stdout, allow_nan=True)


if __name__ == "__main__":
    main()
