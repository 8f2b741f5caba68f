//! Go's `(*big.Float).Text('f', -1)`: the shortest decimal that rounds back to the value at its
//! precision, written without an exponent.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::Zero;

use super::{Kind, Mant, Number};

pub(super) fn format(n: &Number) -> String {
    let (neg, mant, exp) = match &n.kind {
        Kind::Zero(neg) => return if *neg { "-0" } else { "0" }.to_owned(),
        Kind::Inf(neg) => return if *neg { "-Inf" } else { "+Inf" }.to_owned(),
        Kind::Fin { neg, mant, exp } => (*neg, mant, *exp),
    };
    let sign = if neg { "-" } else { "" };
    let bits = mant.bits();
    let prec = u64::from(n.prec);
    // An integer whose unit in the last place (at this precision) is at most 1: the interval of
    // values rounding to it holds no other integer and no shorter digit string, so the shortest
    // decimal is the integer itself.
    if exp >= 0 && bits + exp as u64 <= prec {
        if let Mant::Small(m) = mant {
            if bits + (exp as u64) <= 128 {
                return format!("{sign}{}", u128::from(*m) << exp);
            }
        }
        return format!("{sign}{}", mant.big().into_owned() << exp as u64);
    }
    let d = shortest(mant, exp, n.prec);
    let mut out = String::with_capacity(d.mant.len() + 8);
    out.push_str(sign);
    fmt_f(&mut out, &d);
    out
}

/// A decimal `0.mant × 10^exp`, `mant` ASCII digits without trailing zeros (Go's `decimal`).
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn at(&self, i: i64) -> u8 {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.mant.get(i).copied())
            .unwrap_or(b'0')
    }

    /// Rounds to `n` digits, to nearest, ties to even (Go's `decimal.round`).
    fn round(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') & 1 != 0
        } else {
            self.mant[n] >= b'5'
        };
        if up {
            self.round_up(n)
        } else {
            self.round_down(n)
        }
    }

    fn round_up(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let mut n = n;
        while n > 0 && self.mant[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            // All nines: 1 with the exponent one up.
            self.mant.truncate(1);
            self.mant[0] = b'1';
            self.exp += 1;
            return;
        }
        self.mant[n - 1] += 1;
        self.mant.truncate(n);
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        self.mant.truncate(n);
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
    }
}

/// Go's `roundShortest`: the value `mant × 2^exp` and the bounds half an ulp (at `prec` bits) below
/// and above it, in decimal; then the fewest digits of the value that stay within the bounds
/// (inclusive when the `prec`-bit mantissa is even, as ties round to even). The bounds are always
/// half an ulp, also below a power of two, and digits are compared index by index even when the
/// three decimals have different exponents, exactly as Go does. Digits are produced lazily, as the
/// walk needs them, rather than by three full conversions.
fn shortest(mant: &Mant, exp: i64, prec: u32) -> Decimal {
    // M has prec+1 bits: its lowest bit is half an ulp.
    let shift = u64::from(prec) + 1 - mant.bits();
    let m = mant.big().into_owned() << shift;
    let e = exp - shift as i64;
    let inclusive = !m.bit(1);
    let one = BigUint::from(1u32);
    let (mut x, mut lower, mut upper) = if e >= 0 {
        let unit = &one << e as u64;
        let x = m << e as u64;
        let (lo, up) = (&x - &unit, &x + &unit);
        // Only the leading digits matter (the walk ends within about prec·log10(2) digits), so
        // divide by a power of ten rather than converting integers that may be huge.
        let keep = u64::from(prec) * 30103 / 100_000 + 10;
        let digits_at_least = (x.bits() - 1) * 30102 / 100_000 + 1;
        let j = digits_at_least.saturating_sub(keep);
        let p5 = (j > 0).then(|| BigUint::from(5u32).pow(u32::try_from(j).unwrap_or(u32::MAX)));
        (
            Digits::integer(x, j, p5.as_ref()),
            Digits::integer(lo, j, p5.as_ref()),
            Digits::integer(up, j, p5.as_ref()),
        )
    } else {
        let s = e.unsigned_abs();
        let (lo, up) = (&m - &one, &m + &one);
        (
            Digits::fraction(m, s),
            Digits::fraction(lo, s),
            Digits::fraction(up, s),
        )
    };
    let mut action = None;
    let mut i = 0;
    while x.len_gt(i) {
        let m = x.digit(i);
        let l = lower.digit(i);
        let u = upper.digit(i);
        // Okay to round down (truncate) if lower has a different digit or if lower is inclusive
        // and is exactly the result of rounding down (its final digit).
        let okdown = l != m || (inclusive && lower.len_eq(i + 1));
        // Okay to round up if upper has a different digit and either upper is inclusive or upper
        // is bigger than the result of rounding up.
        let okup = m != u && (inclusive || m + 1 < u || upper.len_gt(i + 1));
        if okdown || okup {
            action = Some((okdown, okup, i + 1));
            break;
        }
        i += 1;
    }
    let Some((okdown, okup, n)) = action else {
        return x.into_decimal();
    };
    // A stand-in for x's decimal that the rounding at n cannot tell apart from it: the digits up
    // to index n, and a nonzero digit after them when x has more.
    let mut d = if x.len_gt(n) {
        let mut mant = x.buf[..=n].to_vec();
        if x.len_gt(n + 1) {
            mant.push(b'1');
        }
        Decimal { mant, exp: x.exp }
    } else {
        x.into_decimal()
    };
    match (okdown, okup) {
        (true, true) => d.round(n),
        (true, false) => d.round_down(n),
        _ => d.round_up(n),
    }
    d
}

const TEN19: u64 = 10_000_000_000_000_000_000;

/// The decimal digits of a positive value, produced on demand: Go's `decimal` of it, read lazily.
struct Digits {
    /// Digits produced so far, from the first nonzero one (may end in zeros).
    buf: Vec<u8>,
    /// The value is `0.d₁d₂… × 10^exp`.
    exp: i64,
    /// The fraction still to expand, `frac / 2^s` (little-endian words; empty when zero).
    frac: Vec<u64>,
    s: u64,
    /// Every digit after `buf` is zero.
    done: bool,
    /// `buf`'s length without trailing zeros.
    nz_len: usize,
    /// A huge integer whose leading digits only are in `buf`: converted in full if more are needed.
    rest: Option<BigUint>,
}

impl Digits {
    /// `x`, given the leading digits of `x / 10^j` (`p5` is `5^j`).
    fn integer(x: BigUint, j: u64, p5: Option<&BigUint>) -> Digits {
        let Some(p5) = p5.filter(|_| j > 0) else {
            let buf = x.to_str_radix(10).into_bytes();
            return Digits::new(buf.len() as i64, buf, Vec::new(), 0, None);
        };
        let (q, r) = (&x >> j).div_rem(p5);
        let exact = r.is_zero() && x.trailing_zeros().is_some_and(|tz| tz >= j);
        let buf = q.to_str_radix(10).into_bytes();
        Digits::new(
            buf.len() as i64 + j as i64,
            buf,
            Vec::new(),
            0,
            (!exact).then_some(x),
        )
    }

    fn new(exp: i64, buf: Vec<u8>, frac: Vec<u64>, s: u64, rest: Option<BigUint>) -> Digits {
        let nz_len = buf.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1);
        Digits {
            buf,
            exp,
            done: frac.is_empty() && rest.is_none(),
            frac,
            s,
            nz_len,
            rest,
        }
    }

    /// `m / 2^s`.
    fn fraction(m: BigUint, s: u64) -> Digits {
        let int = &m >> s;
        let mut frac = m;
        if !int.is_zero() {
            frac -= &int << s;
        }
        let mut exp = 0;
        let buf = if int.is_zero() {
            // Skip most leading zeros at once: frac·10^z stays below 2^s.
            let z = (s.saturating_sub(frac.bits()) * 30102 / 100_000).saturating_sub(1);
            if z > 19 {
                frac *= BigUint::from(10u32).pow(u32::try_from(z).unwrap_or(u32::MAX));
                exp = -(z as i64);
            }
            Vec::new()
        } else {
            let b = int.to_str_radix(10).into_bytes();
            exp = b.len() as i64;
            b
        };
        Digits::new(exp, buf, frac.to_u64_digits(), s, None)
    }

    /// Produces more digits (at least one, unless all the rest are zero).
    fn more(&mut self) {
        if let Some(x) = self.rest.take() {
            *self = Digits::new(
                self.exp,
                x.to_str_radix(10).into_bytes(),
                Vec::new(),
                0,
                None,
            );
            return;
        }
        // frac *= 10^19; the bits from s up are the next 19 digits.
        let mut carry: u128 = 0;
        for w in &mut self.frac {
            let v = u128::from(*w) * u128::from(TEN19) + carry;
            *w = v as u64;
            carry = v >> 64;
        }
        if carry > 0 {
            self.frac.push(carry as u64);
        }
        let (wi, bi) = ((self.s / 64) as usize, (self.s % 64) as u32);
        let word = |k: usize| self.frac.get(k).copied().unwrap_or(0);
        let chunk = if bi == 0 {
            word(wi)
        } else {
            (word(wi) >> bi) | (word(wi + 1) << (64 - bi))
        };
        self.frac.truncate(wi + 1);
        if let Some(w) = self.frac.get_mut(wi) {
            *w &= (1u64 << bi) - 1;
        }
        while self.frac.last() == Some(&0) {
            self.frac.pop();
        }
        self.done = self.frac.is_empty();
        let mut digits = [b'0'; 19];
        let mut c = chunk;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (c % 10) as u8;
            c /= 10;
        }
        let mut digits = &digits[..];
        if self.buf.is_empty() {
            // Leading zeros are not digits of the decimal: they lower its exponent.
            let z = digits.iter().take_while(|&&c| c == b'0').count();
            self.exp -= z as i64;
            digits = &digits[z..];
        }
        if let Some(p) = digits.iter().rposition(|&c| c != b'0') {
            self.nz_len = self.buf.len() + p + 1;
        }
        self.buf.extend_from_slice(digits);
    }

    /// Makes `buf` longer than `n`, or all digits known.
    fn ensure(&mut self, n: usize) {
        while self.buf.len() <= n && !self.done {
            self.more();
        }
    }

    /// Digit `i` (`'0'` past the end), as Go's `decimal.at`.
    fn digit(&mut self, i: usize) -> u8 {
        self.ensure(i);
        self.buf.get(i).copied().unwrap_or(b'0')
    }

    /// Whether the decimal (without trailing zeros) has more than `n` digits.
    fn len_gt(&mut self, n: usize) -> bool {
        self.ensure(n);
        !self.done || self.nz_len > n
    }

    /// Whether the decimal (without trailing zeros) has exactly `n ≥ 1` digits.
    fn len_eq(&mut self, n: usize) -> bool {
        self.len_gt(n - 1) && !self.len_gt(n)
    }

    fn into_decimal(mut self) -> Decimal {
        while !self.done {
            self.more();
        }
        let mut mant = self.buf;
        mant.truncate(self.nz_len);
        Decimal {
            mant,
            exp: self.exp,
        }
    }
}

/// `%f` with exactly the digits of `d`: integer part (zero padded), then the fraction if any.
fn fmt_f(out: &mut String, d: &Decimal) {
    if d.exp > 0 {
        let m = d.mant.len().min(d.exp as usize);
        out.extend(d.mant[..m].iter().map(|&c| char::from(c)));
        for _ in m..d.exp as usize {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    let frac = (d.mant.len() as i64 - d.exp).max(0);
    if frac > 0 {
        out.push('.');
        out.extend((0..frac).map(|i| char::from(d.at(d.exp + i))));
    }
}
