"""Writes GammaFunctionsReference.csv: log|Gamma(x)|, digamma(x) and trigamma(x) by mpmath at 50 digits, rounded to
the nearest double, at seeded arguments in every branch of the library's GammaFunctions. Run with python3-mpmath:
    python3 GammaFunctionsReference.py > GammaFunctionsReference.csv
"""
import random
import mpmath as mp

mp.mp.dps = 50
rng = random.Random(20261203)
points = []
points += [("series", rng.uniform(0.0, 10.5)) for _ in range(500)]
points += [("stirling", rng.uniform(10.5, 14.0)) for _ in range(200)]
points += [("far", 10 ** rng.uniform(1.15, 300)) for _ in range(100)]
points += [("tiny", 10 ** rng.uniform(-300, -3)) for _ in range(50)]
points += [("negative", -rng.uniform(0.0, 30.0)) for _ in range(100)]
print("region,x,lgamma,digamma,trigamma")
for region, x in points:
    X = mp.mpf(x)
    lg = mp.log(abs(mp.gamma(X))) if X < 0 else mp.loggamma(X)
    print(f"{region},{x!r},{float(lg)!r},{float(mp.digamma(X))!r},{float(mp.polygamma(1, X))!r}")
