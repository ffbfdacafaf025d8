//! `Decimal`'s `+`, `−`, `×` and comparisons, computed on `i128` mantissas where that gives
//! the very result `Decimal` gives (value, scale and sign, bit for bit), and left to `Decimal`
//! everywhere else.
//!
//! Why: the loop's figures carry up to 24 places (a 10-place balance times a 14-place monthly
//! rate), so their mantissas pass 64 bits, where `rust_decimal` leaves its fast paths and
//! aligns scales limb by limb. Aligned with one `i128` product instead, an addition costs a
//! fraction of that. The fast path is taken only where `Decimal`'s result is the exact one:
//! both operands non-zero (a zero operand returns the other one unchanged, or a zero of its
//! own sign and scale) and a non-zero result that fits 96 bits at the wider scale (past it,
//! `Decimal` rounds). A test in this module checks all of it against `Decimal` itself.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// `10^k` for every scale difference a `Decimal` can have.
const POWERS_OF_TEN: [i128; 29] = {
    let mut powers = [1i128; 29];
    let mut k = 1;
    while k < 29 {
        powers[k] = powers[k - 1] * 10;
        k += 1;
    }
    powers
};

/// A `Decimal` mantissa holds 96 bits.
const MANTISSA_LIMIT: u128 = 1 << 96;

/// Both mantissas at the wider of the two scales, when that fits `i128`.
#[inline(always)]
fn aligned(a: Decimal, b: Decimal) -> Option<(i128, i128, u32)> {
    let (scale_a, scale_b) = (a.scale(), b.scale());
    let (a, b) = (a.mantissa(), b.mantissa());
    match scale_a.cmp(&scale_b) {
        Ordering::Equal => Some((a, b, scale_a)),
        Ordering::Less => Some((scaled_up(a, scale_b - scale_a)?, b, scale_b)),
        Ordering::Greater => Some((a, scaled_up(b, scale_a - scale_b)?, scale_a)),
    }
}

/// `mantissa × 10^places`, if it fits `i128`. A mantissa below 2^64 times at most 10^19 (the
/// common case: a 10-place amount aligned to 24 places) is one widening multiply.
#[inline(always)]
fn scaled_up(mantissa: i128, places: u32) -> Option<i128> {
    let power = POWERS_OF_TEN[places as usize];
    if places <= 19 && mantissa.unsigned_abs() < 1 << 64 {
        Some(mantissa * power)
    } else {
        mantissa.checked_mul(power)
    }
}

/// The `Decimal` with this non-zero mantissa and scale, if the mantissa fits 96 bits.
#[inline(always)]
fn decimal(mantissa: i128, scale: u32) -> Option<Decimal> {
    let magnitude = mantissa.unsigned_abs();
    (mantissa != 0 && magnitude < MANTISSA_LIMIT).then(|| {
        Decimal::from_parts(
            magnitude as u32,
            (magnitude >> 32) as u32,
            (magnitude >> 64) as u32,
            mantissa < 0,
            scale,
        )
    })
}

/// `op` on the two mantissas aligned to the wider scale, where that is `Decimal`'s own result:
/// both operands and the result non-zero, and the result inside 96 bits.
#[inline(always)]
fn on_mantissas(
    a: Decimal,
    b: Decimal,
    op: impl Fn(i128, i128) -> Option<i128>,
) -> Option<Decimal> {
    if a.is_zero() || b.is_zero() {
        return None;
    }
    let (a, b, scale) = aligned(a, b)?;
    decimal(op(a, b)?, scale)
}

/// `a + b`, as `Decimal` computes it.
#[inline(always)]
pub(super) fn add(a: Decimal, b: Decimal) -> Decimal {
    on_mantissas(a, b, i128::checked_add).unwrap_or_else(|| a + b)
}

/// `a − b`, as `Decimal` computes it.
#[inline(always)]
pub(super) fn sub(a: Decimal, b: Decimal) -> Decimal {
    on_mantissas(a, b, i128::checked_sub).unwrap_or_else(|| a - b)
}

/// `a × b`, as `Decimal` computes it.
#[inline(always)]
pub(super) fn mul(a: Decimal, b: Decimal) -> Decimal {
    let scale = a.scale() + b.scale();
    let (m_a, m_b) = (a.mantissa(), b.mantissa());
    // Two mantissas below 2^63 multiply without overflow: one widening multiply.
    let product = if m_a.unsigned_abs() < 1 << 63 && m_b.unsigned_abs() < 1 << 63 {
        Some(m_a * m_b)
    } else {
        m_a.checked_mul(m_b)
    };
    if scale <= Decimal::MAX_SCALE
        && let Some(product) = product.and_then(|product| decimal(product, scale))
    {
        return product;
    }
    a * b
}

/// `a.cmp(&b)`, without `Decimal`'s limb-by-limb alignment.
#[inline(always)]
pub(super) fn cmp(a: Decimal, b: Decimal) -> Ordering {
    match aligned(a, b) {
        Some((a, b, _)) => a.cmp(&b),
        None => a.cmp(&b),
    }
}

/// `a < b`.
#[inline(always)]
pub(super) fn lt(a: Decimal, b: Decimal) -> bool {
    cmp(a, b) == Ordering::Less
}

/// `a.min(b)`: `a` unless `b` is smaller, as `Decimal::min` (the scale of a tie is `a`'s).
#[inline(always)]
pub(super) fn min(a: Decimal, b: Decimal) -> Decimal {
    if cmp(a, b) == Ordering::Greater { b } else { a }
}

/// `a.max(b)`: `a` unless `b` is larger, as `Decimal::max`.
#[inline(always)]
pub(super) fn max(a: Decimal, b: Decimal) -> Decimal {
    if cmp(a, b) == Ordering::Less { b } else { a }
}

/// Whether `|value| < 10^exponent`, read from the mantissa and scale: exact, and without the
/// rescaling a `Decimal` comparison across scales costs.
#[inline(always)]
pub(super) fn magnitude_below(value: Decimal, exponent: i32) -> bool {
    // |m| / 10^s < 10^e  ⇔  |m| < 10^(e + s); a 96-bit mantissa is below 10^29.
    let power = exponent + value.scale() as i32;
    match power {
        ..=0 => value.is_zero(),
        29.. => true,
        _ => value.mantissa().unsigned_abs() < POWERS_OF_TEN[power as usize].unsigned_abs(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A decimal of any scale and width, zeros of both signs, and the 96-bit edge.
    fn any_decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (
                any::<u32>(),
                any::<u32>(),
                any::<u32>(),
                any::<bool>(),
                0u32..=28
            )
                .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(
                    lo, mid, hi, negative, scale
                )),
            (any::<i64>(), 0u32..=28).prop_map(|(m, scale)| Decimal::new(m, scale)),
            (any::<i32>(), 0u32..=28).prop_map(|(m, scale)| Decimal::new(m.into(), scale)),
            (any::<bool>(), 0u32..=28)
                .prop_map(|(negative, scale)| Decimal::from_parts(0, 0, 0, negative, scale)),
            (any::<bool>(), 0u32..=28).prop_map(|(negative, scale)| Decimal::from_parts(
                u32::MAX,
                u32::MAX,
                u32::MAX,
                negative,
                scale
            )),
        ]
    }

    /// The same value and the same text: scale and the sign of a zero included.
    fn identical(fast: Decimal, reference: Decimal) -> Result<(), TestCaseError> {
        prop_assert_eq!(fast, reference);
        prop_assert_eq!(fast.to_string(), reference.to_string());
        prop_assert_eq!(fast.is_sign_negative(), reference.is_sign_negative());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn every_operation_is_decimals_own(a in any_decimal(), b in any_decimal()) {
            if let Some(reference) = a.checked_add(b) {
                identical(add(a, b), reference)?;
            }
            if let Some(reference) = a.checked_sub(b) {
                identical(sub(a, b), reference)?;
            }
            if let Some(reference) = a.checked_mul(b) {
                identical(mul(a, b), reference)?;
            }
            prop_assert_eq!(cmp(a, b), a.cmp(&b));
            prop_assert_eq!(lt(a, b), a < b);
            identical(min(a, b), a.min(b))?;
            identical(max(a, b), a.max(b))?;
        }

        /// Figures as the loop has them: 10-place amounts, 14-place rates, their 24-place
        /// products, sums that cancel, and sums that pass 96 bits at 24 places (~$79B).
        #[test]
        fn the_loops_figures_are_decimals_own(
            amount in -10_000_000_000_000_000i64..10_000_000_000_000_000,
            rate in 0i64..100_000_000_000_000,
            (low, high, negative) in (any::<u64>(), 0x8000_0000u32.., any::<bool>()),
            places in 0u32..=10,
        ) {
            let amount = Decimal::new(amount, places);
            let rate = Decimal::new(rate, 14);
            let interest = amount * rate;
            // Tens of billions at 24 places: at the edge of 96 bits.
            let wide = Decimal::from_parts(low as u32, (low >> 32) as u32, high, negative, 24);
            for (a, b) in [
                (amount, interest),
                (interest, amount),
                (interest, interest),
                (interest, -interest),
                (wide, interest),
                (wide, amount),
                (wide, wide),
                (wide, -wide),
            ] {
                identical(add(a, b), a + b)?;
                identical(sub(a, b), a - b)?;
                prop_assert_eq!(cmp(a, b), a.cmp(&b));
                identical(min(a, b), a.min(b))?;
                identical(max(a, b), a.max(b))?;
            }
            identical(mul(amount, rate), amount * rate)?;
        }

        #[test]
        fn a_magnitude_is_read_from_the_mantissa_as_decimal_compares_it(
            value in any_decimal(),
            exponent in -30i32..30,
        ) {
            let power = Decimal::from_i128_with_scale(1, 0);
            let bound = if exponent >= 0 {
                (0..exponent).try_fold(power, |p, _| p.checked_mul(Decimal::TEN))
            } else {
                (0..-exponent).try_fold(power, |p, _| Some(p / Decimal::TEN))
            };
            // 10^exponent when Decimal holds it; past 10^28 every Decimal is below it, and
            // below 10^-28 only a zero is.
            let expected = match bound {
                Some(bound) if exponent >= -28 => value.abs() < bound,
                Some(_) => value.is_zero(),
                None => true,
            };
            prop_assert_eq!(magnitude_below(value, exponent), expected);
        }
    }
}
