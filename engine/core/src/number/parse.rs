//! Decimal literals, as Go's `big.ParseFloat(s, 10, 512, big.ToNearestEven)`.

use num_bigint::BigUint;

use super::{
    div_finite, make_u128, mul_kinds, round_big, round_u128, Kind, Mant, Number, MAX_EXP, MIN_EXP,
};

const PREC: u32 = Number::LITERAL_PRECISION;

pub(super) fn parse(s: &str) -> Option<Number> {
    let b = s.as_bytes();
    match s {
        "Inf" | "inf" | "+Inf" | "+inf" => return Some(Number::with(Kind::Inf(false), PREC)),
        "-Inf" | "-inf" => return Some(Number::with(Kind::Inf(true), PREC)),
        _ => {}
    }
    let mut i = 0;
    let mut neg = false;
    if let Some(&c @ (b'+' | b'-')) = b.first() {
        neg = c == b'-';
        i = 1;
    }

    // Mantissa: digits with at most one radix point, at least one digit.
    let mant_start = i;
    let mut ndigits: u64 = 0;
    let mut point: Option<u64> = None;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => ndigits += 1,
            b'.' if point.is_none() => point = Some(ndigits),
            _ => break,
        }
        i += 1;
    }
    if ndigits == 0 {
        return None;
    }
    let mant_digits = &b[mant_start..i];
    let frac_digits = point.map_or(0, |p| ndigits - p);

    // Exponent: e/E (power of ten) or p/P (power of two), optional sign, at least one digit; it
    // must fit in an i64 (Go's strconv.ParseInt).
    let mut exp: i64 = 0;
    let mut binary_exp = false;
    if let Some(&c @ (b'e' | b'E' | b'p' | b'P')) = b.get(i) {
        binary_exp = matches!(c, b'p' | b'P');
        i += 1;
        let mut eneg = false;
        if let Some(&c @ (b'+' | b'-')) = b.get(i) {
            eneg = c == b'-';
            i += 1;
        }
        let start = i;
        let mut acc: i128 = 0;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            acc = acc * 10 + i128::from(c - b'0');
            if acc > 1i128 << 63 {
                return None;
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        exp = i64::try_from(if eneg { -acc } else { acc }).ok()?;
    }
    if i != b.len() {
        return None;
    }

    // The mantissa's digits as an integer n.
    let n: Mant = if ndigits <= 19 {
        let v = mant_digits
            .iter()
            .filter(|c| c.is_ascii_digit())
            .fold(0u64, |v, c| v * 10 + u64::from(c - b'0'));
        Mant::Small(v)
    } else {
        let digits: Vec<u8> = mant_digits
            .iter()
            .copied()
            .filter(u8::is_ascii_digit)
            .collect();
        Mant::Big(BigUint::parse_bytes(&digits, 10)?)
    };
    let zero = match &n {
        Mant::Small(v) => *v == 0,
        Mant::Big(v) => v.bits() == 0,
    };
    if zero {
        // Go keeps the sign: "-0" is -0.
        return Some(Number::with(Kind::Zero(neg), PREC));
    }

    // value = n × 10^(exp - frac) (or n × 10^-frac × 2^exp), split as n × 2^exp2' × 5^exp5.
    let bits = i128::from(n.bits());
    let fcount = -i128::from(frac_digits);
    let exp = i128::from(exp);
    let exp5 = if binary_exp { fcount } else { fcount + exp };
    // Go's exponent of the normalised mantissa before the power of five is applied.
    let exp2 = bits + fcount + exp;
    if !(i128::from(MIN_EXP)..=i128::from(MAX_EXP)).contains(&exp2) {
        return None; // Go: "exponent overflow"
    }
    let e = (exp2 - bits) as i64; // exponent of n's lowest bit
    let kind = if exp5 == 0 {
        match n {
            Mant::Small(v) => round_u128(neg, u128::from(v), e, PREC),
            Mant::Big(v) => round_big(neg, v, e, PREC, false),
        }
    } else {
        let p = pow5(exp5.unsigned_abs() as u64);
        match (p, exp5 > 0) {
            (Kind::Fin { mant, exp: pe, .. }, true) => mul_kinds(
                &Kind::Fin {
                    neg,
                    mant: n,
                    exp: e,
                },
                &Kind::Fin {
                    neg: false,
                    mant,
                    exp: pe,
                },
                PREC,
            )
            .ok()?,
            (Kind::Fin { mant, exp: pe, .. }, false) => div_finite(neg, &n, e, &mant, pe, PREC),
            (_, true) => Kind::Inf(neg),   // 5^exp5 overflowed
            (_, false) => Kind::Zero(neg), // underflow keeps the sign
        }
    };
    Some(Number::with(kind, PREC))
}

/// 5^k as Go's `pow5` computes it for a 512-bit parse: exact up to 5^27, then binary powering with
/// the result rounded at 576 bits and the squares at 640 bits. May overflow to +Inf.
fn pow5(k: u64) -> Kind {
    const TAB: [u64; 28] = {
        let mut t = [1u64; 28];
        let mut i = 1;
        while i < 28 {
            t[i] = t[i - 1] * 5;
            i += 1;
        }
        t
    };
    const Z_PREC: u32 = PREC + 64;
    const F_PREC: u32 = PREC + 128;
    if k < 28 {
        return make_u128(false, u128::from(TAB[k as usize]), 0);
    }
    let mut z = make_u128(false, u128::from(TAB[27]), 0);
    let mut f = make_u128(false, 5, 0);
    let mut k = k - 27;
    while k > 0 {
        if k & 1 != 0 {
            z = mul_kinds(&z, &f, Z_PREC).unwrap_or(Kind::Inf(false));
        }
        k >>= 1;
        if k > 0 {
            f = mul_kinds(&f, &f, F_PREC).unwrap_or(Kind::Inf(false));
        }
    }
    z
}
