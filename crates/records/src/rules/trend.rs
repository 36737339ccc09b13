//! A result's trend: earlier values of the same test as a small server-rendered SVG line chart
//! (the reference range shaded), with a text alternative. Pure: points in, markup out.

/// One value of the test.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub value: f64,
}

/// Chart size (the SVG scales to its container with `viewBox`).
const W: f64 = 560.0;
const H: f64 = 200.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 32.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The chart for `points` (oldest first), `range` the reference range (low, high) if known.
/// `label` names the chart for assistive technology (e.g. "Sodium, mmol/L, 5 results from
/// 2024-01-02 to 2026-11-30"); the page gives the same values as a table.
pub fn svg(points: &[Point], range: (Option<f64>, Option<f64>), label: &str) -> String {
    let mut lo = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
    let mut hi = points
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    for r in [range.0, range.1].into_iter().flatten() {
        lo = lo.min(r);
        hi = hi.max(r);
    }
    if !lo.is_finite() || !hi.is_finite() {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi - lo).abs() < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.1;
    let (lo, hi) = (lo - pad, hi + pad);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h * (1.0 - (v - lo) / (hi - lo));
    let n = points.len();
    let x = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        esc(label),
        esc(label)
    );
    // The reference range, shaded.
    if range.0.is_some() || range.1.is_some() {
        let top = y(range.1.unwrap_or(hi));
        let bottom = y(range.0.unwrap_or(lo));
        s.push_str(&format!(
            "<rect class=\"range\" x=\"{LEFT}\" y=\"{top:.1}\" width=\"{plot_w}\" height=\"{:.1}\" fill=\"#e3f1e6\"/>",
            (bottom - top).max(0.0)
        ));
    }
    // Axes and the low/high ticks.
    s.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{:.1}\" stroke=\"#555\"/><line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#555\"/>",
        TOP + plot_h,
        TOP + plot_h,
        LEFT + plot_w,
        TOP + plot_h
    ));
    for v in [range.0, range.1].into_iter().flatten() {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            LEFT - 4.0,
            y(v) + 4.0,
            num(v)
        ));
    }
    // The line and the points.
    if n > 1 {
        let path: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.value)))
            .collect();
        s.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"#1f5f99\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        ));
    }
    for (i, p) in points.iter().enumerate() {
        let out = range.0.is_some_and(|l| p.value < l) || range.1.is_some_and(|h| p.value > h);
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{}\"><title>{}: {}</title></circle>",
            x(i),
            y(p.value),
            if out { "#b3261e" } else { "#1f5f99" },
            esc(&p.date),
            num(p.value)
        ));
    }
    // First and last dates under the axis.
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        s.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"11\" fill=\"#333\">{}</text>",
            H - 10.0,
            esc(&first.date)
        ));
        if n > 1 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{}</text>",
                LEFT + plot_w,
                H - 10.0,
                esc(&last.date)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn pts(v: &[(&str, f64)]) -> Vec<Point> {
        v.iter()
            .map(|(d, x)| Point {
                date: (*d).into(),
                value: *x,
            })
            .collect()
    }

    #[test]
    fn one_circle_per_value_and_out_of_range_values_marked() {
        let s = svg(
            &pts(&[
                ("2025-01-02", 139.0),
                ("2025-06-01", 147.0),
                ("2026-01-05", 141.0),
            ]),
            (Some(136.0), Some(145.0)),
            "Sodium <mmol/L>",
        );
        assert_eq!(s.matches("<circle").count(), 3);
        assert_eq!(s.matches("#b3261e").count(), 1, "147 is above 145");
        assert!(s.contains("aria-label=\"Sodium &lt;mmol/L&gt;\""));
        assert!(s.contains("<polyline"));
        assert!(s.contains("class=\"range\""));
        assert!(s.contains(">2025-01-02<") && s.contains(">2026-01-05<"));
    }

    #[test]
    fn a_single_value_or_a_flat_series_still_draws() {
        let s = svg(&pts(&[("2026-01-05", 5.0)]), (None, None), "x");
        assert_eq!(s.matches("<circle").count(), 1);
        assert!(!s.contains("<polyline") && !s.contains("NaN"));
        let s = svg(&pts(&[("a", 5.0), ("b", 5.0)]), (None, None), "x");
        assert!(!s.contains("NaN") && !s.contains("inf"));
    }
}
