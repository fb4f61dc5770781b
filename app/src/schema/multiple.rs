//! `multipleOf` decided as the server's `jsonschema` decides it, so the browser neither
//! refuses a multiple nor lets a non-multiple through under `not`: whole divisors divide
//! whole numbers exactly; fractional ones compare the shortest decimal renderings of both
//! numbers (`0.0075` is a multiple of `0.0001`), falling back to the exact binary values.

use serde_json::Number;

/// 2^53: beyond it `f64` no longer holds every integer.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Whether `value` is a multiple of `step`; `None` where the server reads digits this
/// side does not have (integers past 2^53 given as floats), or `step` is not positive.
pub fn is_multiple(value: &Number, step: f64) -> Option<bool> {
    if !(step > 0.0 && step.is_finite()) {
        return None;
    }
    if step.fract() == 0.0 && step <= MAX_SAFE_INTEGER {
        if let Some(whole) = value.as_u64() {
            return Some(whole % step as u64 == 0);
        }
        if let Some(whole) = value.as_i64() {
            return Some(whole % step as i64 == 0);
        }
        let value = value.as_f64()?;
        if value.abs() >= MAX_SAFE_INTEGER {
            return None;
        }
        return Some(value.fract() == 0.0 && value % step == 0.0);
    }
    let value = value.as_f64()?;
    if value == 0.0 {
        return Some(true);
    }
    if value.abs() < step {
        return Some(false);
    }
    Some(divides_in_decimal(value, step).unwrap_or_else(|| divides_in_binary(value, step)))
}

/// `value / step` is whole, reading both as their shortest decimal renderings; `None` when
/// the scaled digits overflow `i128`.
fn divides_in_decimal(value: f64, step: f64) -> Option<bool> {
    let (value_digits, value_decimals) = decimal_parts(value)?;
    let (step_digits, step_decimals) = decimal_parts(step)?;
    let shared = value_decimals.min(step_decimals);
    let scale = |digits: i128, decimals: i32| {
        digits.checked_mul(10_i128.checked_pow(u32::try_from(decimals - shared).ok()?)?)
    };
    let divisor = scale(step_digits, value_decimals)?;
    Some(divisor != 0 && scale(value_digits, step_decimals)? % divisor == 0)
}

/// (digits, places after the point) of the shortest decimal that reads back as `value`.
fn decimal_parts(value: f64) -> Option<(i128, i32)> {
    let rendered = format!("{:e}", value.abs());
    let (mantissa, exponent) = rendered.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let places = mantissa
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len());
    let digits: i128 = mantissa.replace('.', "").parse().ok()?;
    Some((digits, i32::try_from(places).ok()? - exponent))
}

/// `value / step` is whole for the exact binary fractions the two `f64`s are.
fn divides_in_binary(value: f64, step: f64) -> bool {
    let (value_odd, value_exponent) = odd_and_exponent(value);
    let (step_odd, step_exponent) = odd_and_exponent(step);
    value_odd % step_odd == 0 && value_exponent >= step_exponent
}

/// `x = ±odd · 2^exponent` for a non-zero finite `x`.
fn odd_and_exponent(x: f64) -> (u64, i32) {
    let bits = x.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let zeros = mantissa.trailing_zeros();
    (mantissa >> zeros, exponent + zeros as i32)
}

#[cfg(test)]
mod tests {
    use super::is_multiple;
    use serde_json::Number;

    fn multiple(value: f64, step: f64) -> Option<bool> {
        is_multiple(&Number::from_f64(value).expect("finite"), step)
    }

    #[test]
    fn decimal_steps_read_the_written_decimals() {
        assert_eq!(multiple(0.0075, 0.0001), Some(true));
        assert_eq!(multiple(0.3, 0.1), Some(true));
        assert_eq!(multiple(19.99, 0.01), Some(true));
        assert_eq!(multiple(1_070_468.145, 0.01), Some(false));
        assert_eq!(multiple(0.35, 0.1), Some(false));
        assert_eq!(multiple(1e308, 0.123456789), Some(false));
    }

    #[test]
    fn whole_steps_divide_exactly() {
        assert_eq!(is_multiple(&Number::from(10), 5.0), Some(true));
        assert_eq!(is_multiple(&Number::from(-7), 5.0), Some(false));
        assert_eq!(multiple(10.0, 5.0), Some(true));
        assert_eq!(multiple(10.5, 5.0), Some(false));
        assert_eq!(multiple(1e20, 3.0), None);
    }
}
