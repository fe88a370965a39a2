#!/usr/bin/python3
"""Write src/core/temme_coefficients.h: Taylor coefficients of Temme's c_k(eta).

Temme's uniform expansion of the regularised upper incomplete gamma function
(DLMF 8.12.8-8.12.10) reads, with lambda = x/a and eta^2/2 = lambda - 1 - ln lambda,
sign(eta) = sign(lambda - 1):
    Q(a, x) = erfc(eta sqrt(a/2)) / 2 + exp(-a eta^2/2) / sqrt(2 pi a) * sum_k c_k(eta) a^-k,
    c_0(eta) = 1/(lambda - 1) - 1/eta,
    c_k(eta) = c_{k-1}'(eta) / eta + (-1)^k g_k / (lambda - 1),
where g_k are the coefficients of Stirling's series Gamma(a) ~ sqrt(2 pi/a) (a/e)^a sum g_k a^-k.
Each c_k is analytic at eta = 0, but the closed forms cancel there, so the C code sums Taylor
series in eta. This script builds them by power-series arithmetic in mpmath at 80 digits, then
checks the truncated expansion against mpmath.gammainc and prints the largest relative error
on stderr.

Usage: /usr/bin/python3 tools/make_temme_coefficients.py > src/core/temme_coefficients.h
Needs: python3-mpmath (Debian package).
"""
import sys

import mpmath
from mpmath import mpf

mpmath.mp.dps = 60

ORDERS = 16         # c_0 .. c_{ORDERS-1}
TERMS = 40          # Taylor terms kept of each c_k
WORK = TERMS + 2 * ORDERS + 4

# Region of use in gamma.c; the check below covers it.
A_MIN = 20
ETA_MAX = 1


def multiply(u, v):
    out = [mpf(0)] * WORK
    for i, ui in enumerate(u):
        if ui == 0:
            continue
        for j in range(WORK - i):
            out[i + j] += ui * v[j]
    return out


def reciprocal(u):
    """1/u for a series with u[0] != 0."""
    out = [mpf(0)] * WORK
    out[0] = 1 / u[0]
    for n in range(1, WORK):
        out[n] = -sum(u[j] * out[n - j] for j in range(1, n + 1)) / u[0]
    return out


def square_root(u):
    """sqrt(u) for a series with u[0] = 1."""
    out = [mpf(0)] * WORK
    out[0] = mpf(1)
    for n in range(1, WORK):
        out[n] = (u[n] - sum(out[j] * out[n - j] for j in range(1, n))) / 2
    return out


def compose(outer, inner):
    """outer(inner(eta)) for inner without constant term, by Horner's rule."""
    out = [mpf(0)] * WORK
    for coefficient in reversed(outer):
        out = multiply(out, inner)
        out[0] += coefficient
    return out


def lambda_minus_one():
    """mu(eta) = lambda - 1, from eta = mu h(mu) with h(mu)^2 = 2 (mu - ln(1 + mu)) / mu^2.

    Lagrange inversion: the coefficient of eta^n in mu is [mu^(n-1)] h(mu)^-n / n.
    """
    h_squared = [2 * mpf(-1) ** n / (n + 2) for n in range(WORK)]
    inverse_h = reciprocal(square_root(h_squared))
    mu = [mpf(0)] * WORK
    power = [mpf(1)] + [mpf(0)] * (WORK - 1)
    for n in range(1, WORK):
        power = multiply(power, inverse_h)
        mu[n] = power[n - 1] / n
    return mu


def stirling_coefficients(count):
    """g_k with Gamma(a) ~ sqrt(2 pi / a) (a/e)^a sum_k g_k a^-k."""
    log_series = [mpf(0)] * (count + 1)
    for n in range(1, count // 2 + 2):
        power = 2 * n - 1
        if power <= count:
            log_series[power] = mpmath.bernoulli(2 * n) / (2 * n * (2 * n - 1))
    # exp of a series without constant term: out' = log_series' * out.
    out = [mpf(0)] * (count + 1)
    out[0] = mpf(1)
    for n in range(1, count + 1):
        out[n] = sum(j * log_series[j] * out[n - j] for j in range(1, n + 1)) / n
    return out


def temme_coefficients():
    mu = lambda_minus_one()
    r = reciprocal(mu[1:] + [mpf(0)])          # eta / mu
    g = stirling_coefficients(ORDERS)
    c = [r[n + 1] for n in range(WORK - 1)] + [mpf(0)]      # (eta/mu - 1) / eta
    out = [c]
    for k in range(1, ORDERS):
        derivative = [(n + 1) * c[n + 1] for n in range(WORK - 1)] + [mpf(0)]
        bracket = [derivative[n] + (-1) ** k * g[k] * r[n] for n in range(WORK)]
        assert abs(bracket[0]) < mpf(10) ** -(mpmath.mp.dps - 20) * max(1, abs(bracket[1])), (k, bracket[0])
        c = bracket[1:] + [mpf(0)]
        out.append(c)
    return out


def eta_of(a, x):
    lam = x / a
    eta = mpmath.sqrt(2 * (lam - 1 - mpmath.log(lam)))
    return eta if lam >= 1 else -eta


def expansion(coefficients, a, x):
    """(P, Q) from the truncated expansion."""
    eta = eta_of(a, x)
    total = mpf(0)
    for k, c in enumerate(coefficients):
        value = sum(c[n] * eta ** n for n in range(TERMS))
        total += value / mpf(a) ** k
    remainder = mpmath.exp(-a * eta ** 2 / 2) / mpmath.sqrt(2 * mpmath.pi * a) * total
    z = eta * mpmath.sqrt(mpf(a) / 2)
    return mpmath.erfc(-z) / 2 - remainder, mpmath.erfc(z) / 2 + remainder


def lower_regularized(a, x):
    """P(a, x) for x <= a by its power series, which mpmath.gammainc sums too slowly for large a."""
    term = total = mpf(1)
    n = 0
    while term > total * mpf(10) ** -(mpmath.mp.dps + 5):
        n += 1
        term *= x / (a + n)
        total += term
    return mpmath.exp(a * mpmath.log(x) - x - mpmath.loggamma(a + 1)) * total


def check(coefficients):
    worst = mpf(0)
    for a in [A_MIN, 25, 40, 64, 100, 500, 5000, 500000]:
        for eta in [-1, -0.75, -0.5, -0.2, -0.01, 0, 0.01, 0.2, 0.5, 0.75, 1]:
            eta = mpf(eta) * ETA_MAX
            # Solve for lambda: lambda - 1 - ln lambda = eta^2 / 2 on the side of eta's sign.
            target = eta ** 2 / 2
            bracket = (mpf(1), mpf(10)) if eta >= 0 else (mpf(10) ** -6, mpf(1))
            lam = mpf(1)
            if eta != 0:
                lam = mpmath.findroot(lambda t: t - 1 - mpmath.log(t) - target, bracket, solver='anderson')
            x = a * lam
            exact_q = mpmath.gammainc(a, x, mpmath.inf, regularized=True)
            exact_p = lower_regularized(mpf(a), x) if x < a else 1 - exact_q
            approx_p, approx_q = expansion(coefficients, a, x)
            # gamma.c takes the smaller tail from the expansion and the other as 1 minus it.
            if eta >= 0:
                error = abs(approx_q - exact_q) / exact_q
            else:
                error = abs(approx_p - exact_p) / exact_p
            worst = max(worst, error)
    return worst


def main():
    coefficients = temme_coefficients()
    worst = check(coefficients)
    print(f"largest relative error of the truncated expansion for a >= {A_MIN}, |eta| <= {ETA_MAX}: "
          f"{mpmath.nstr(worst, 3)}", file=sys.stderr)
    print("/* Generated by tools/make_temme_coefficients.py; do not edit. */")
    print("/* temme_coefficients[k][n]: coefficient of eta^n in Temme's c_k(eta); see gamma.c. */")
    print(f"#define TEMME_ORDERS {ORDERS}")
    print(f"#define TEMME_TERMS {TERMS}")
    print(f"/* Largest relative error of the truncated expansion against mpmath for a >= {A_MIN},")
    print(f"   |eta| <= {ETA_MAX}: {mpmath.nstr(worst, 3)}. */")
    print("static const double temme_coefficients[TEMME_ORDERS][TEMME_TERMS] = {")
    for k, c in enumerate(coefficients):
        print(f"    {{ /* c_{k} */")
        for n in range(TERMS):
            value = float(c[n])
            print(f"        {value.hex()}, /* {value!r} */")
        print("    },")
    print("};")


main()
