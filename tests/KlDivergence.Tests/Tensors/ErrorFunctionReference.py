"""Writes ErrorFunctionReference.csv: erfc(z) by mpmath at 50 digits, rounded to the nearest double, at seeded
arguments in each of the library's three intervals (|z| <= 0.46875, up to 4, beyond), both signs, out to where erfc
reaches the subnormals. Run with python3-mpmath:
    python3 ErrorFunctionReference.py > ErrorFunctionReference.csv
"""
import random
import mpmath as mp

mp.mp.dps = 50
rng = random.Random(20261203)
points = []
points += [("first", rng.uniform(-0.46875, 0.46875)) for _ in range(300)]
points += [("second", rng.choice([-1, 1]) * rng.uniform(0.46875, 4.0)) for _ in range(600)]
points += [("third", rng.choice([-1, 1]) * rng.uniform(4.0, 27.2)) for _ in range(400)]
points += [("edge", z) for z in (0.46875, -0.46875, 4.0, -4.0, 1e-300, -1e-300, 26.5, 27.0, 27.25)]
print("region,z,erfc")
for region, z in points:
    print(f"{region},{z!r},{float(mp.erfc(mp.mpf(z)))!r}")
