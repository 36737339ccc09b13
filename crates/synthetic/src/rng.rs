//! A small deterministic PRNG (xoshiro256** seeded through splitmix64) and the sampling helpers
//! the generator needs. Only integer arithmetic and exactly rounded floating-point operations
//! (`+`, `*`, `/`, conversions) are used, so a seed gives the same stream on every machine.

/// One splitmix64 step: advances `state` and returns the next output.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mix several words into one seed (order matters).
pub fn mix(parts: &[u64]) -> u64 {
    let mut state = 0x005E_ED0F_5EED_u64;
    let mut out = 0;
    for p in parts {
        state ^= *p;
        out = splitmix64(&mut state);
        state = out;
    }
    out
}

/// 64-bit FNV-1a of a label, for naming independent random streams.
pub const fn label(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
        i += 1;
    }
    h
}

/// xoshiro256** by Blackman and Vigna.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for the stream named by `parts` (e.g. `[seed, label("household"), index]`).
    pub fn new(parts: &[u64]) -> Self {
        let mut sm = mix(parts);
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, n)` (Lemire's multiply-shift; the tiny bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform integer in `[lo, hi]` (inclusive); `lo` if the range is empty.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + self.below(span) as i64
    }

    /// Uniform in `[0, 1)` with 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Approximately normal (Irwin–Hall: twelve uniforms), clamped to ±6 sd by construction.
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let mut s = 0.0;
        for _ in 0..12 {
            s += self.unit();
        }
        mean + (s - 6.0) * sd
    }

    /// One element of a non-empty slice (the first if empty would be impossible: callers pass
    /// constant tables).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }

    /// Index chosen with the given integer weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// Number of events of a Poisson process with the given mean (Knuth's method, using only
    /// multiplications so it stays bit-identical everywhere; means here are small).
    pub fn poisson(&mut self, mean: f64) -> u32 {
        // exp(-mean) by repeated squaring of a Taylor-free product: use the limit
        // (1 - mean/2^k)^(2^k), exact enough for mean < 20 and deterministic.
        let mut l = 1.0 - mean / 1_048_576.0;
        for _ in 0..20 {
            l *= l;
        }
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.unit();
            if p <= l || k >= 50 {
                return k;
            }
            k += 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(&[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new(&[1, 2]).next_u64(), Rng::new(&[2, 1]).next_u64());
        assert_ne!(label("a"), label("b"));
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut r = Rng::new(&[7]);
        let mut sum = 0.0;
        for _ in 0..10_000 {
            let x = r.range(-3, 3);
            assert!((-3..=3).contains(&x));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            sum += f64::from(r.poisson(2.0));
        }
        let mean = sum / 10_000.0;
        assert!((1.9..2.1).contains(&mean), "{mean}");
        assert_eq!(r.weighted(&[0, 0, 5]), 2);
    }
}
