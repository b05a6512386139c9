"""Independent high-precision reference values for the unit tests.

Run: python3 bench/reference_values.py   (needs mpmath)

Erlang B/C: direct 50-digit sums of A^k/k! (no recursion shared with the Rust code).
Erlang A (M/M/n+M): stationary distribution of the truncated birth-death chain
(death rate min(j,n)*mu + max(j-n,0)*gamma), PASTA, and for the wait the
textbook hypoexponential density of a sum of Exp(n*mu + i*gamma), i=0..k,
integrated numerically with mpmath.quad. This does not use the incomplete-gamma
closed forms implemented in Rust, so it is an independent check of them.
"""
from mpmath import mp, mpf, exp, quad, factorial, inf

mp.dps = 40


def erlang_b(n, a):
    a = mpf(a)
    num = a**n / factorial(n)
    return num / sum(a**k / factorial(k) for k in range(n + 1))


def erlang_c(n, a, aht, t):
    a = mpf(a)
    b = erlang_b(n, a)
    c = n * b / (n - a * (1 - b))
    sl = 1 - c * exp(-(n - a) * mpf(t) / aht)
    asa = c * aht / (n - a)
    return c, sl, asa


def erlang_a(n, a, aht, theta, t, kmax=2000):
    lam = mpf(a) / aht
    mu = 1 / mpf(aht)
    g = 1 / mpf(theta)
    # unnormalised stationary weights of the birth-death chain
    w = [mpf(1)]
    for j in range(1, n + kmax + 1):
        death = min(j, n) * mu + max(j - n, 0) * g
        w.append(w[-1] * lam / death)
    tot = sum(w)
    pi = [v / tot for v in w]
    p_wait = sum(pi[n:])
    # abandonment rate = gamma * E[queue length]  (rate balance)
    p_ab = g * sum((j - n) * pi[j] for j in range(n, len(pi))) / lam
    # A tagged arrival finding k queued (PASTA) sits in a killed pure-death
    # chain: from "i ahead" it moves on at rate n mu + i g, abandons at rate g.
    served_within = mpf(0)
    served_wait = mpf(0)
    w_prev = mpf(0)  # E[wait; served] starting with i-1 ahead
    p_prev = mpf(1)  # P(served) starting with i-1 ahead
    big = n * mu + kmax * g + g
    for k in range(0, kmax):
        pk = pi[n + k]
        if pk < mpf(10) ** -30:
            break
        leave = n * mu + k * g + g
        go_on = (n * mu + k * g) / leave
        p_k = go_on * p_prev
        w_k = p_k / leave + go_on * w_prev
        served_wait += pk * w_k
        p_prev, w_prev = p_k, w_k
        # P(served by time t) by uniformisation with rate `big`
        states = [mpf(0)] * (k + 1)
        states[k] = mpf(1)
        served = mpf(0)
        acc = mpf(0)
        m = 0
        pois = exp(-big * t)
        while True:
            acc += pois * served
            if m > big * t + 40 * (big * t) ** 0.5 + 40:
                break
            new = [mpf(0)] * (k + 1)
            for i, v in enumerate(states):
                if v == 0:
                    continue
                down = (n * mu + i * g) / big
                stay = 1 - down - g / big
                new[i] += v * stay
                if i == 0:
                    served += v * down
                else:
                    new[i - 1] += v * down
            states = new
            m += 1
            pois *= big * t / m
        served_within += pk * acc
    sl_all = (1 - p_wait) + served_within
    answered = 1 - p_ab
    return dict(p_wait=p_wait, p_ab=p_ab, sl_all=sl_all, sl_answered=sl_all / answered,
                asa=served_wait / answered, occ=a * answered / n)


if __name__ == "__main__":
    print("B(10,10)", mp.nstr(erlang_b(10, 10), 12))
    print("B(110,100)", mp.nstr(erlang_b(110, 100), 12))
    for n in (11, 12, 13, 14):
        c, sl, asa = erlang_c(n, 10, 180, 20)
        print(f"C(n={n},A=10,aht=180,T=20)", mp.nstr(c, 10), mp.nstr(sl, 10), mp.nstr(asa, 10))
    for (n, a, aht, theta, t) in [(10, 10, 300, 120, 20), (12, 10, 300, 600, 20), (5, 8, 240, 60, 30),
                                  (3, 8, 240, 300, 20), (40, 60, 180, 90, 15)]:
        r = erlang_a(n, a, aht, theta, t)
        print(f"A(n={n},A={a},aht={aht},theta={theta},T={t})",
              {k: mp.nstr(v, 12) for k, v in r.items()})
