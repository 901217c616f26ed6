//! Small statistics shared by metrics and the AGP.

/// R type 7 quantile (Hyndman & Fan 1996, definition 7; R's default) of a non-empty
/// sorted slice: h = (n−1)p, linear between the neighbouring order statistics.
/// NaN for an empty slice.
pub(crate) fn quantile_type7(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let h = (n as f64 - 1.0) * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n.saturating_sub(1));
    let (a, b) = (
        sorted.get(lo).copied().unwrap_or(f64::NAN),
        sorted.get(hi).copied().unwrap_or(f64::NAN),
    );
    a + (h - lo as f64) * (b - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_type_7() {
        // R: quantile(c(1, 2, 4, 8), c(0.05, 0.5, 0.95)) = 1.15, 3.00, 7.40
        let v = [1.0, 2.0, 4.0, 8.0];
        assert!((quantile_type7(&v, 0.05) - 1.15).abs() < 1e-12);
        assert_eq!(quantile_type7(&v, 0.5), 3.0);
        assert!((quantile_type7(&v, 0.95) - 7.4).abs() < 1e-12);
        assert!(quantile_type7(&[], 0.5).is_nan());
    }
}
