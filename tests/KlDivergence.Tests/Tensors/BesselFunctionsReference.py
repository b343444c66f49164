"""Writes BesselFunctionsReference.csv: log I0(x) and I1(x)/I0(x) by mpmath at 40 digits, rounded to the nearest
double, at seeded arguments on both sides of the library's switch from the power series to the asymptotic series
(x = 20). Run with python3-mpmath:
    python3 BesselFunctionsReference.py > BesselFunctionsReference.csv
"""
import random
import mpmath as mp

mp.mp.dps = 40
rng = random.Random(20261203)
points = [("series", rng.uniform(0, 20)) for _ in range(300)]
points += [("asymptotic", rng.uniform(20, 60)) for _ in range(200)]
points += [("tiny", 10 ** rng.uniform(-300, 0)) for _ in range(50)]
points += [("large", 10 ** rng.uniform(1.8, 300)) for _ in range(50)]
print("region,x,logi0,ratio")
for region, x in points:
    # I0(x) - 1 is about x^2/4: enough digits to keep it beside the 1.
    with mp.workdps(40 + max(0, int(-2 * mp.log10(x)))):
        X = mp.mpf(x)
        i0 = mp.besseli(0, X)
        print(f"{region},{x!r},{float(mp.log(i0))!r},{float(mp.besseli(1, X) / i0)!r}")
