//! SVG charts drawn at build time, so reports read without JavaScript.
//! Every chart has a title for screen readers; the numbers also appear as
//! text next to the bars.

use crate::domain::report::{Count, WeekFlow};
use std::fmt::Write;
use tera::escape_html;

const WIDTH: u32 = 560;
const ROW: u32 = 26;
const LABEL: u32 = 170;

/// Horizontal bars, one per count, with the value at the end of each bar.
pub fn bars(title: &str, counts: &[Count]) -> String {
    let bars: Vec<Bar> = counts
        .iter()
        .map(|c| Bar {
            key: c.key.clone(),
            label: c.label.clone(),
            value: c.value as f64,
            text: c.value.to_string(),
        })
        .collect();
    labelled_bars(title, &bars, None)
}

/// A bar whose number is not a count: a share, a duration.
pub struct Bar {
    pub key: String,
    pub label: String,
    pub value: f64,
    /// What is written beside the bar ("87% of 60", "3 h 20 min").
    pub text: String,
}

/// Horizontal bars scaled to the largest value, or to `full` (100 for
/// percentages) when given.
pub fn labelled_bars(title: &str, bars: &[Bar], full: Option<f64>) -> String {
    let max = full
        .unwrap_or_else(|| bars.iter().map(|b| b.value).fold(0.0, f64::max))
        .max(f64::MIN_POSITIVE);
    let height = ROW * bars.len() as u32 + 8;
    let span = WIDTH - LABEL - 90;
    let mut svg = open(title, WIDTH, height);
    for (i, b) in bars.iter().enumerate() {
        let y = 4 + ROW * i as u32;
        let w = (b.value.max(0.0) / max * span as f64)
            .round()
            .min(span as f64) as u32;
        let _ = write!(
            svg,
            r#"<text class="label" x="{lx}" y="{ty}" text-anchor="end">{label}</text><rect class="bar bar-{key}" x="{LABEL}" y="{y}" width="{w}" height="{h}" rx="3"/><text class="value" x="{vx}" y="{ty}">{text}</text>"#,
            lx = LABEL - 8,
            ty = y + ROW / 2 + 1,
            label = escape_html(&b.label),
            key = css_key(&b.key),
            h = ROW - 8,
            vx = LABEL + w + 6,
            text = escape_html(&b.text),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Opened and resolved tickets per week, side by side.
pub fn weekly(title: &str, weeks: &[WeekFlow]) -> String {
    let height = 220u32;
    let base = height - 30;
    let max = weeks
        .iter()
        .map(|w| w.opened.max(w.resolved))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (WIDTH - 40) as f64 / weeks.len().max(1) as f64;
    let bar = (slot / 2.0 - 1.0).max(1.0);
    let scale = |v: u64| v as f64 / max as f64 * (base - 20) as f64;
    let mut svg = open(title, WIDTH, height);
    let _ = write!(
        svg,
        r#"<line class="axis" x1="36" y1="{base}" x2="{WIDTH}" y2="{base}"/><text class="value" x="32" y="24" text-anchor="end">{max}</text><text class="value" x="32" y="{base}" text-anchor="end">0</text>"#
    );
    for (i, w) in weeks.iter().enumerate() {
        let x = 40.0 + slot * i as f64;
        for (offset, value, class) in [
            (0.0, w.opened, "opened"),
            (bar + 1.0, w.resolved, "resolved"),
        ] {
            let h = scale(value);
            let _ = write!(
                svg,
                r#"<rect class="bar bar-{class}" x="{:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}"><title>{} {class}: {value}</title></rect>"#,
                x + offset,
                base as f64 - h,
                w.week.format("%G-W%V"),
            );
        }
    }
    if let (Some(first), Some(last)) = (weeks.first(), weeks.last()) {
        let _ = write!(
            svg,
            r#"<text class="label" x="40" y="{y}">{}</text><text class="label" x="{WIDTH}" y="{y}" text-anchor="end">{}</text>"#,
            first.week.format("%G-W%V"),
            last.week.format("%G-W%V"),
            y = base + 18,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn open(title: &str, width: u32, height: u32) -> String {
    format!(
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img"><title>{}</title>"#,
        escape_html(title)
    )
}

/// Keys become CSS class suffixes: keep them to safe characters.
fn css_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_values_shown() {
        let svg = bars(
            "By <category>",
            &[Count {
                key: "x\"y".into(),
                label: "<script>".into(),
                value: 7,
            }],
        );
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains(">7</text>"));
        assert!(svg.contains("bar-x_y"));
        assert!(!svg.contains("<script>"));
    }

    #[test]
    fn weekly_chart_has_a_bar_pair_per_week() {
        let weeks: Vec<WeekFlow> = (0..3)
            .map(|i| WeekFlow {
                week: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()
                    + chrono::Duration::days(7 * i),
                opened: i as u64,
                resolved: 1,
            })
            .collect();
        let svg = weekly("Flow", &weeks);
        assert_eq!(svg.matches("<rect").count(), 6);
        assert!(svg.contains("2026-W02"));
    }
}
