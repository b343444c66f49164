"""Writes ScaleRatioReference.csv: log r, (r - 1) - log r, (r² - 1)/2 - log r, r - 1 and r² - 1 for r = a/b by mpmath at
50 digits, rounded to the nearest double, at seeded pairs: ratios from 0.45 to 2.1 (where the atanh series is used)
and near its ends, within 1e-12 to 1e-1 of 1, from 1e-20 to 1e20, and pairs whose ratio underflows. Run with python3-mpmath:
    python3 ScaleRatioReference.py > ScaleRatioReference.csv
"""
import random
import mpmath as mp
mp.mp.dps=50
rng = random.Random(11)
pairs=[]
for _ in range(300):
    b=10**rng.uniform(-3,3); r=rng.uniform(0.45,2.1); pairs.append((b*r,b))
for _ in range(100):
    b=10**rng.uniform(-3,3); r=1+10**rng.uniform(-12,-1)*rng.choice([-1,1]); pairs.append((b*r,b))
for _ in range(100):
    b=10**rng.uniform(-3,3); r=10**rng.uniform(-20,20); pairs.append((b*r,b))
for _ in range(150):
    b=10**rng.uniform(-3,3); r=rng.choice([rng.uniform(1.85,2.0), rng.uniform(0.5,0.55)]); pairs.append((b*r,b))
for _ in range(20):
    pairs.append((10**rng.uniform(-300,-200), 10**rng.uniform(100,300)))
print("a,b,log,term1,term2,pm1,pm2")
for a,b in pairs:
    A=mp.mpf(a); B=mp.mpf(b); r=A/B
    lg=mp.log(r); t1=(r-1)-lg; t2=(r*r-1)/2-lg
    def f(v):
        d=float(v); return repr(d)
    print(f"{a!r},{b!r},{f(lg)},{f(t1)},{f(t2)},{f(r-1)},{f(r*r-1)}")
