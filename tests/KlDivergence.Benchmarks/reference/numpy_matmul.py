"""W9 in NumPy: seconds per 256 x 256 x 256 product with @ (run with OPENBLAS_NUM_THREADS=1, as pytorch_workloads.py
does). Prints "W9<TAB>median seconds per product" like the benchmark console's --quick mode."""
import statistics
import time

import numpy as np

N = 256
k = np.arange(N * N, dtype=np.float64)
A = np.sin((k + 1) * 1.37).reshape(N, N)
B = np.sin((k + 1) * 2.37).reshape(N, N)


def median_time(body, min_repeats=7):
    t0 = time.perf_counter()
    calls = 0
    while time.perf_counter() - t0 < 0.5 or calls < 3:
        body()
        calls += 1
    batch = max(1, int(0.1 / ((time.perf_counter() - t0) / calls)))
    times = []
    for _ in range(min_repeats):
        t = time.perf_counter()
        for _ in range(batch):
            body()
        times.append((time.perf_counter() - t) / batch)
    return statistics.median(times)


if __name__ == "__main__":
    print(f"W9\t{median_time(lambda: A @ B):.4g}", flush=True)
