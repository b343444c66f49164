"""The workloads of shared/BENCHMARKS.md in PyTorch (float64, 2 threads), for measuring the PyTorch column on
the machine the .NET benchmarks run on, so ratios are taken in one run. Needs Debian's python3-torch
(`apt-get install python3-torch`, PyTorch 1.13) and the system Python: `/usr/bin/python3 pytorch_workloads.py`.
Prints "Id<TAB>median seconds per unit" like the benchmark console's --quick mode."""
import math
import statistics
import sys
import time

import torch
import torch.distributions as D

torch.set_num_threads(2)
torch.set_default_dtype(torch.float64)


def median_time(body, units, min_repeats=7):
    t0 = time.perf_counter()
    calls = 0
    while time.perf_counter() - t0 < 0.5 or calls < 3:
        body()
        calls += 1
    per_call = (time.perf_counter() - t0) / calls
    batch = max(1, int(0.1 / per_call))
    times = []
    for _ in range(min_repeats):
        t = time.perf_counter()
        for _ in range(batch):
            body()
        times.append((time.perf_counter() - t) / batch / units)
    return statistics.median(times)


def w1():
    return D.kl_divergence(D.Normal(0.0, 2.0), D.Normal(1.0, 4.0)).item()


N1B = 1_000_000
i = torch.arange(N1B, dtype=torch.float64)
m1, s1 = torch.sin(i), 1 + 0.5 * torch.cos(i)
m2, s2 = torch.cos(i * 0.5), 1.2 + 0.3 * torch.sin(i * 0.3)


W1B_P, W1B_Q = D.Normal(m1, s1), D.Normal(m2, s2)  # built once: the W1b row does not build them in the loop


def w1b():
    return D.kl_divergence(W1B_P, W1B_Q)[-1].item()


def spd_case(d, seed):
    k = torch.arange(d * d, dtype=torch.float64)
    a = torch.sin((k + 1) * (seed + 0.37)).reshape(d, d)
    c = a @ a.T + d * torch.eye(d)
    m = torch.cos(torch.arange(d, dtype=torch.float64) * seed)
    return m, c


def make_w2(d):
    ma, ca = spd_case(d, 1)
    mb, cb = spd_case(d, 2)

    def body():
        p = D.MultivariateNormal(ma, covariance_matrix=ca)
        q = D.MultivariateNormal(mb, covariance_matrix=cb)
        return D.kl_divergence(p, q).item()
    return body


def w3_target():
    return D.MixtureSameFamily(D.Categorical(probs=torch.tensor([0.5, 0.5])),
                               D.Normal(torch.tensor([-0.2, 1.0]), torch.tensor([0.1, 0.5])))


W3_P, W3_Q = D.Normal(3.0, 1.0), w3_target()


def w3():
    with torch.no_grad():
        x = W3_P.sample((1_000_000,))
        return (W3_P.log_prob(x) - W3_Q.log_prob(x)).mean().item()


def w4():
    torch.manual_seed(1)
    target = w3_target()
    loc = torch.tensor(3.0, requires_grad=True)
    scale = torch.tensor(4.0, requires_grad=True)
    opt = torch.optim.Adam([loc, scale], lr=0.05)
    for _ in range(150):
        opt.zero_grad()
        q = D.Normal(loc, scale)
        x = q.rsample((1000,))
        loss = (q.log_prob(x) - target.log_prob(x)).mean()
        loss.backward()
        opt.step()
    return loss.item()


W5_TARGET = D.MixtureSameFamily(
    D.Categorical(probs=torch.tensor([0.8, 0.2])),
    D.MultivariateNormal(torch.tensor([[0.5, 1.2], [-1.0, -0.8]]),
                         covariance_matrix=torch.tensor([[[0.6, 0.2], [0.2, 0.4]], [[0.3, -0.1], [-0.1, 0.5]]])))


def w5():
    torch.manual_seed(1)
    loc = torch.tensor([0.1, -0.2], requires_grad=True)
    inv_sp = math.log(math.expm1(1.0 - 1e-5))
    raw = torch.tensor([inv_sp, 0.2, inv_sp], requires_grad=True)  # FillScaleTriL: softplus + 1e-5 diagonal
    opt = torch.optim.SGD([loc, raw], lr=0.1)
    for _ in range(100):
        opt.zero_grad()
        tril = torch.stack([torch.stack([torch.nn.functional.softplus(raw[0]) + 1e-5, torch.zeros(())]),
                            torch.stack([raw[1], torch.nn.functional.softplus(raw[2]) + 1e-5])])
        q = D.MultivariateNormal(loc, scale_tril=tril)
        x = q.rsample((1000,))
        loss = (q.log_prob(x) - W5_TARGET.log_prob(x)).mean()
        loss.backward()
        opt.step()
    return loss.item()


def regression_data():
    g = torch.Generator().manual_seed(0)
    x = torch.linspace(-5, 5, 100)
    y = 1.5110626 + 0.42292204 * x + torch.randn(100, generator=g)
    return x, y


W6_X, W6_Y = regression_data()
W6_PRIOR = D.Normal(0.0, 1.0)


def w6():
    torch.manual_seed(1)
    mu = torch.zeros(2, requires_grad=True)
    rho = torch.full((2,), math.log(math.e - 1), requires_grad=True)
    opt = torch.optim.Adam([mu, rho], lr=0.05)
    for _ in range(1000):
        opt.zero_grad()
        q = D.Normal(mu, torch.nn.functional.softplus(rho))
        z = q.rsample((100,))
        pred = z[:, 0:1] + z[:, 1:2] * W6_X
        log_joint = D.Normal(pred, 1.0).log_prob(W6_Y).sum(1) + W6_PRIOR.log_prob(z).sum(1)
        loss = (q.log_prob(z).sum(1) - log_joint).mean()
        loss.backward()
        opt.step()
    return loss.item()


W7_I = torch.arange(256 * 32, dtype=torch.float64)
W7_MU = (0.5 * torch.sin(W7_I)).reshape(256, 32).requires_grad_()
W7_LOG_SIGMA = (0.3 * torch.cos(W7_I * 0.7)).reshape(256, 32).requires_grad_()
W7_PRIOR = D.Normal(0.0, 1.0)


def w7():
    W7_MU.grad = None
    W7_LOG_SIGMA.grad = None
    kl = D.kl_divergence(D.Normal(W7_MU, W7_LOG_SIGMA.exp()), W7_PRIOR).sum()
    kl.backward()
    return kl.item()


WORKLOADS = [("W1", w1, 1), ("W1b", w1b, N1B), ("W2", make_w2(2), 1), ("W2c", make_w2(100), 1),
             ("W3", w3, 1_000_000), ("W4", w4, 1), ("W5", w5, 1), ("W6", w6, 1), ("W7", w7, 1)]


def make_w8():
    """W8: stochastic VI for a Bayesian logistic regression (100 000 x 50, seeded synthetic data), mean-field Normal
    with softplus scales, prior N(0, 1) by the closed-form KL, one reparameterised draw per step, the Bernoulli
    log-likelihood y*l - softplus(l) of 1000 rows drawn with replacement scaled by 100, Adam 0.01, 500 steps."""
    g = torch.Generator().manual_seed(8)
    rows, features = 100_000, 50
    x = torch.randn(rows, features, generator=g)
    w_true = torch.randn(features, generator=g) / math.sqrt(features)
    y = torch.bernoulli(torch.sigmoid(x @ w_true), generator=g)
    prior = D.Normal(0.0, 1.0)

    def body():
        torch.manual_seed(1)
        loc = torch.zeros(features, requires_grad=True)
        rho = torch.full((features,), math.log(math.e - 1), requires_grad=True)
        opt = torch.optim.Adam([loc, rho], lr=0.01)
        for _ in range(500):
            opt.zero_grad()
            idx = torch.randint(rows, (1000,))
            q = D.Normal(loc, torch.nn.functional.softplus(rho))
            w = q.rsample()
            logits = x.index_select(0, idx) @ w
            log_lik = (y.index_select(0, idx) * logits - torch.nn.functional.softplus(logits)).sum()
            loss = D.kl_divergence(q, prior).sum() - log_lik * (rows / 1000)
            loss.backward()
            opt.step()
        return loss.item()
    return body


def w9_numpy():
    """W9's reference: NumPy's @ on 256 x 256 matrices with one BLAS thread, timed in its own process (the thread
    variables must be set before NumPy loads its BLAS)."""
    import os
    import subprocess
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_matmul.py")
    out = subprocess.run([sys.executable, script], env=env, capture_output=True, text=True, check=True).stdout
    return float(out.strip().split("\t")[1])


WORKLOADS += [("W8", make_w8(), 1)]


def banana_log_prob(z):
    x1, x2 = z[:, 0], z[:, 1]
    r = (x2 - (x1 * x1 - 1.0)) / 0.5
    return -0.5 * x1 * x1 - 0.5 * r * r - (math.log(0.5) + math.log(2 * math.pi))


class Coupling(torch.nn.Module):
    """The library's AffineCouplingBijector: y = m*x + (1-m)*(x*exp(s) + t), (s, t) = NN(m*x), last layer zero."""

    def __init__(self, mask):
        super().__init__()
        self.mask = mask
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(),
                                       torch.nn.Linear(32, 4))
        torch.nn.init.zeros_(self.net[4].weight)
        torch.nn.init.zeros_(self.net[4].bias)

    def forward(self, x):
        h = self.net(x * self.mask)
        s, t = h[:, :2], h[:, 2:]
        y = x * self.mask + (1 - self.mask) * (x * torch.exp(s) + t)
        return y, ((1 - self.mask) * s).sum(1)


def wf():
    torch.manual_seed(1)
    layers = torch.nn.ModuleList([Coupling(torch.tensor([1.0, 0.0]) if k % 2 == 0 else torch.tensor([0.0, 1.0]))
                                  for k in range(4)])
    opt = torch.optim.Adam(layers.parameters(), lr=1e-3)
    log_norm = math.log(2 * math.pi)
    for _ in range(2000):
        opt.zero_grad()
        x = torch.randn(256, 2)
        log_q = -0.5 * (x * x).sum(1) - log_norm
        for layer in layers:
            x, log_det = layer(x)
            log_q = log_q - log_det
        loss = (log_q - banana_log_prob(x)).mean()
        loss.backward()
        opt.step()
    return loss.item()


WORKLOADS.append(("WF", wf, 1))  # RealNVP on the banana (FlowWorkloads.cs)


# U1-U4 (UserWorkloads.cs): work written as a user writes it, found by a sweep of common calls.
U_DRAWS, U_ROWS, U_FEATURES, U_BATCH, U_WIDTH = 16, 20_000, 20, 1000, 10
U1_X = torch.sin(torch.arange(U_ROWS * U_FEATURES, dtype=torch.float64) * 0.37).reshape(U_ROWS, U_FEATURES)
U1_Y = (torch.cos(torch.arange(U_ROWS, dtype=torch.float64) * 0.91) > 0).double()
U1_Z = (0.3 * torch.cos(torch.arange(U_DRAWS * U_FEATURES, dtype=torch.float64) * 1.3)).reshape(U_DRAWS, U_FEATURES).requires_grad_()


def u1():
    U1_Z.grad = None
    log_lik = D.Bernoulli(logits=U1_Z @ U1_X.T).log_prob(U1_Y).sum()
    log_lik.backward()
    return log_lik.item() + U1_Z.grad[0, 0].item()


def positive(seed):
    i = torch.arange(U_BATCH * U_WIDTH, dtype=torch.float64)
    return torch.exp(0.6 * torch.sin((i + 1) * (seed + 0.31))).reshape(U_BATCH, U_WIDTH)


def closed_form(make_kl, grads):
    def body():
        for g in grads:
            g.grad = None
        total = make_kl().sum()
        total.backward()
        return total.item() + grads[0].grad[0, 0].item()
    return body


U_A, U_B, U_C, U_D = (positive(k).requires_grad_() if k < 3 else positive(k) for k in (1, 2, 3, 4))
WORKLOADS += [("U1", u1, 1),
              ("U2", closed_form(lambda: D.kl_divergence(D.Gamma(U_A, U_B), D.Gamma(U_C, U_D)), [U_A, U_B]), 1),
              ("U3", closed_form(lambda: D.kl_divergence(D.Beta(U_A, U_B), D.Beta(U_C, U_D)), [U_A, U_B]), 1),
              ("U4", closed_form(lambda: D.kl_divergence(D.Dirichlet(U_A), D.Dirichlet(U_C)), [U_A]), 1)]

# U5-U8 (session 14): a fit of 10^5 parameters with Adam, LogSumExp and Max over the first axis with gradients, a
# 100-dimensional normal's log-density at 1000 points with gradients.
U5_START = torch.sin(torch.arange(100_000, dtype=torch.float64) * 0.3)
U5_TARGET = torch.cos(torch.arange(100_000, dtype=torch.float64) * 0.3)


def u5():
    w = U5_START.clone().requires_grad_()
    optimizer = torch.optim.Adam([w], lr=0.01)
    for _ in range(100):
        optimizer.zero_grad()
        loss = (w - U5_TARGET).square().sum()
        loss.backward()
        optimizer.step()
    return loss.item()


U6_X = (3 * torch.sin(torch.arange(U_BATCH * 100, dtype=torch.float64) * 0.37)).reshape(U_BATCH, 100).requires_grad_()


def first_axis(reduce):
    def body():
        U6_X.grad = None
        total = reduce(U6_X).sum()
        total.backward()
        return total.item() + U6_X.grad[0, 0].item()
    return body


U8_D = 100
U8_X = torch.sin(torch.arange(U_BATCH * U8_D, dtype=torch.float64) * 0.71).reshape(U_BATCH, U8_D)
U8_LOC = (0.01 * torch.arange(U8_D, dtype=torch.float64)).requires_grad_()
_u8_index = torch.arange(U8_D * U8_D)
_u8_row, _u8_col = _u8_index // U8_D, _u8_index % U8_D
U8_TRIL = torch.where(_u8_row == _u8_col, torch.tensor(1.5, dtype=torch.float64),
                      torch.where(_u8_row > _u8_col, 0.01 * torch.cos(_u8_index.double()), torch.tensor(0.0, dtype=torch.float64))).reshape(U8_D, U8_D).requires_grad_()


def u8():
    U8_LOC.grad = None
    U8_TRIL.grad = None
    total = D.MultivariateNormal(U8_LOC, scale_tril=U8_TRIL).log_prob(U8_X).sum()
    total.backward()
    return total.item() + U8_LOC.grad[0].item()


WORKLOADS += [("U5", u5, 1),
              ("U6", first_axis(lambda x: x.logsumexp(0)), 1),
              ("U7", first_axis(lambda x: x.max(0).values), 1),
              ("U8", u8, 1)]

# U9-U12 (session 17): a Categorical's, a Laplace's and a Poisson's log-probabilities over 10^5 values with gradients,
# and 10^5 Beta draws.
U9_LOGITS = torch.cos(torch.arange(20, dtype=torch.float64)).requires_grad_()
U9_X = ((torch.arange(100_000) * 7) % 20).double()
U10_LOC = (0.01 * torch.arange(1000, dtype=torch.float64)).requires_grad_()
U10_SCALE = (1 + 0.001 * torch.arange(1000, dtype=torch.float64)).requires_grad_()
U10_X = (3 * torch.sin(torch.arange(100_000, dtype=torch.float64) * 0.37)).reshape(100, 1000)
U11_BETA = D.Beta(torch.tensor(2.0, dtype=torch.float64), torch.tensor(3.0, dtype=torch.float64))
U12_RATE = (0.5 + (torch.arange(100_000) % 11)).double().requires_grad_()
U12_K = (torch.arange(100_000) % 13).double()


def u9():
    U9_LOGITS.grad = None
    total = D.Categorical(logits=U9_LOGITS).log_prob(U9_X).sum()
    total.backward()
    return total.item() + U9_LOGITS.grad[0].item()


def u10():
    U10_LOC.grad = None
    U10_SCALE.grad = None
    total = D.Laplace(U10_LOC, U10_SCALE).log_prob(U10_X).sum()
    total.backward()
    return total.item() + U10_LOC.grad[0].item() + U10_SCALE.grad[0].item()


def u11():
    return U11_BETA.sample((100_000,))[0].item()


def u12():
    U12_RATE.grad = None
    total = D.Poisson(U12_RATE).log_prob(U12_K).sum()
    total.backward()
    return total.item() + U12_RATE.grad[0].item()


WORKLOADS += [("U9", u9, 1), ("U10", u10, 1), ("U11", u11, 1), ("U12", u12, 1)]

if __name__ == "__main__":
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    for name, body, units in WORKLOADS:
        if only is None or name in only:
            print(f"{name}\t{median_time(body, units):.4g}", flush=True)
    if only is None or "W9" in only:
        print(f"W9\t{w9_numpy():.4g}", flush=True)
