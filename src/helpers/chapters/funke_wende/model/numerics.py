"""Small dense Newton solver with finite-difference Jacobian and backtracking (steady states)."""
from __future__ import annotations

import numpy as np


class FWSolverError(RuntimeError):
    """A Funke-Wende solve failed; the message names the experiment and the residual."""


def newton(fun, y0, *, name: str, tol: float = 1e-12, maxit: int = 60, h: float = 1e-7,
           labels=None):
    """Solve fun(y) = 0 by damped Newton. Returns (y, max|F|, iterations)."""
    y = np.array(y0, float)
    F = fun(y)
    if not np.all(np.isfinite(F)):
        raise FWSolverError(f"{name}: residuals not finite at the starting point")
    n = y.size
    for it in range(1, maxit + 1):
        err = np.max(np.abs(F))
        if err < tol:
            return y, err, it - 1
        J = np.empty((F.size, n))
        for i in range(n):
            yi = y.copy()
            yi[i] += h
            J[:, i] = (fun(yi) - F) / h
        try:
            step = np.linalg.solve(J, -F) if F.size == n else np.linalg.lstsq(J, -F, rcond=None)[0]
        except np.linalg.LinAlgError as e:
            raise FWSolverError(f"{name}: singular Jacobian at iteration {it} (max|F|={err:.3e})") from e
        lam = 1.0
        while lam > 1e-6:
            yn = y + lam * step
            Fn = fun(yn)
            if np.all(np.isfinite(Fn)) and np.max(np.abs(Fn)) < (1 - 1e-4 * lam) * err:
                break
            lam *= 0.5
        else:
            break
        y, F = yn, Fn
    err = np.max(np.abs(F))
    if err < tol:
        return y, err, maxit
    worst = int(np.argmax(np.abs(F)))
    lab = labels[worst] if labels is not None and worst < len(labels) else f"equation {worst}"
    raise FWSolverError(f"{name}: Newton failed to converge, max|residual|={err:.3e} ({lab})")
