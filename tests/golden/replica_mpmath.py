"""Independent golden values for the pseudo-likelihood saddle point.

Solves theory/replica.md eqs. (R3)-(R4) in t-space with mpmath at 30 digits:
Delta*(t) by findroot on Delta - x*lam*(1 - tanh(lam*Delta)) = t, x by findroot on
alpha*E[(Delta* - t)^2] = 1, expectations by mpmath.quad split at the plateau.
Shares no code with the Rust implementation. Run: python3 tests/golden/replica_mpmath.py
"""
import mpmath as mp

mp.mp.dps = 30


def prox(t, x, lam):
    f = lambda d: d - x * lam * (1 - mp.tanh(lam * d)) - t
    lo, hi = t, t + 2 * x * lam + 1
    return mp.findroot(f, (lo, hi), solver="anderson")


def expect(fun, x, lam):
    g = lambda t: fun(t, prox(t, x, lam)) * mp.npdf(t)
    pts = [-12, -6, -3, -1, 0, 1, 3, 6, 12]
    return mp.quad(g, pts)


def solve(alpha, lam):
    S = lambda lx: alpha * expect(lambda t, d: (d - t) ** 2, mp.e ** lx, lam) - 1
    lx = mp.findroot(S, mp.log(1 / (lam * mp.sqrt(alpha))), tol=mp.mpf(10) ** -25)
    x = mp.e ** lx
    m = expect(lambda t, d: d, x, lam)
    m2 = expect(lambda t, d: (d - m) ** 2, x, lam)
    loss = expect(lambda t, d: mp.log(1 + mp.e ** (-2 * lam * d)), x, lam)
    stiff = lambda t, d: x * lam**2 * mp.sech(lam * d) ** 2 / (1 + x * lam**2 * mp.sech(lam * d) ** 2)
    rep = alpha * expect(lambda t, d: stiff(t, d) ** 2, x, lam)
    return dict(alpha=alpha, lam=lam, ln_x=lx, eps=mp.ncdf(-x * lam), mean=m, var=m2, loss=loss, replicon=rep)


if __name__ == "__main__":
    for a, l in [(1, 2), (0.4, 0.8), (3, 1), (0.1, 0.5)]:
        r = solve(mp.mpf(a), mp.mpf(l))
        print("    (%s, %s, [%s]), " % (a, l, ", ".join(mp.nstr(r[k], 20) for k in ["ln_x", "eps", "mean", "var", "loss", "replicon"])))
