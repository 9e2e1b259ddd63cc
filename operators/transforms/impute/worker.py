"""Prophet forecasting worker for Argus' `impute` operator.

Started and supervised by the operator (operators/transforms/impute/worker-client.ts) with the
project venv's python. Speaks JSON lines over stdio, one request at a time, and stays up between
requests so Prophet is imported once.

  worker -> {"type": "ready", "versions": {"prophet": "...", "python": "..."}}      once, at start
  op     -> {"id": 7, "op": "forecast", "interval_width": 0.8,
             "series": [{"id": "...", "ds": ["2024-01-02", ...], "y": [...], "future": ["2024-03-05"],
                         "params": {"changepoint_prior_scale": 0.5, ...}}]}
  worker -> {"id": 7, "type": "progress", "done": 1, "total": 3}                  after each series
  worker -> {"id": 7, "type": "result", "results": [{"id", "yhat": [...], "lower": [...], "upper": [...]}
                                                    | {"id", "error": "..."}]}
  worker -> {"id": 7, "type": "error", "error": "..."}                            malformed request
  op     -> {"op": "ping", "id": 8}  -> {"id": 8, "type": "pong"}
  op     -> {"op": "shutdown"}       -> exits 0 (as does end of input)

stdout carries only protocol lines: file descriptor 1 is pointed at stderr before Prophet is
imported, so library output (cmdstanpy, warnings) can never corrupt the protocol.
"""
import json
import logging
import os
import sys
import traceback

_proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def send(msg):
    _proto.write(json.dumps(msg, allow_nan=False) + "\n")
    _proto.flush()


PARAMS = {
    "changepoint_prior_scale",
    "changepoint_range",
    "seasonality_prior_scale",
    "weekly_seasonality",
    "yearly_seasonality",
    "seasonality_mode",
    "uncertainty_samples",
}


def finite(values):
    out = []
    for v in values:
        f = float(v)
        if f != f or f in (float("inf"), float("-inf")):
            raise ValueError("forecast produced a non-finite value")
        out.append(f)
    return out


def forecast_one(s, interval_width, Prophet, pd, np):
    params = {k: v for k, v in (s.get("params") or {}).items() if k in PARAMS}
    params.setdefault("uncertainty_samples", 200)
    params.setdefault("yearly_seasonality", False)
    params.setdefault("weekly_seasonality", True)
    if len(s["y"]) < 2:
        raise ValueError("Prophet needs at least 2 observed points")
    m = Prophet(interval_width=interval_width, daily_seasonality=False, **params)
    m.fit(pd.DataFrame({"ds": pd.to_datetime(s["ds"]), "y": s["y"]}))
    # Seeded per series: the interval comes from sampling; the same input gives the same output.
    np.random.seed(0)
    fc = m.predict(pd.DataFrame({"ds": pd.to_datetime(s["future"])}))
    yhat = finite(fc["yhat"])
    has_interval = params["uncertainty_samples"] > 0 and "yhat_lower" in fc
    return {
        "id": s["id"],
        "yhat": yhat,
        "lower": finite(fc["yhat_lower"]) if has_interval else yhat,
        "upper": finite(fc["yhat_upper"]) if has_interval else yhat,
    }


def main():
    import numpy as np
    import pandas as pd
    from prophet import Prophet
    import prophet

    for name in ("cmdstanpy", "prophet", "prophet.plot"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("cmdstanpy").disabled = True
    send({"type": "ready", "versions": {"prophet": prophet.__version__, "python": sys.version.split()[0], "pid": os.getpid()}})

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        rid = None
        try:
            req = json.loads(line)
            rid = req.get("id")
            op = req.get("op")
            if op == "shutdown":
                return
            if op == "ping":
                send({"id": rid, "type": "pong"})
                continue
            if op != "forecast":
                raise ValueError(f"unknown op {op!r}")
            series = req["series"]
            width = float(req.get("interval_width", 0.8))
            results = []
            for i, s in enumerate(series):
                try:
                    results.append(forecast_one(s, width, Prophet, pd, np))
                except Exception as e:  # one bad series must not fail its batch
                    results.append({"id": s.get("id"), "error": f"{type(e).__name__}: {e}"})
                send({"id": rid, "type": "progress", "done": i + 1, "total": len(series)})
            send({"id": rid, "type": "result", "results": results})
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            send({"id": rid, "type": "error", "error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
