//! Reports as CSV: one row per group, every figure a column, no row cap.
//! docs/REPORTS.md lists the columns.

use super::{Report, Row, Workload};
use crate::domain::model::{Status, TargetKind};
use crate::domain::text::csv_safe;

/// Statuses with a time-in-status column: time in closed is not measured.
const STATUSES: [Status; 4] = [
    Status::Open,
    Status::InProgress,
    Status::WaitingOnRequester,
    Status::Resolved,
];

/// One row per group and a final `total` row; every figure a column.
/// Durations are in seconds, time spent in minutes, shares in percent.
pub fn to_csv(r: &Report) -> anyhow::Result<String> {
    rows_csv(r.groups.iter().chain(std::iter::once(&r.total)))
}

/// The given rows as CSV with the header of [`to_csv`].
pub fn rows_csv<'a>(rows: impl Iterator<Item = &'a Row>) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(csv_header())?;
    for row in rows {
        w.write_record(csv_row(row).iter().map(|c| csv_safe(c).into_owned()))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn csv_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "group", "label", "since", "until", "opened", "resolved", "closed", "backlog",
    ]
    .map(String::from)
    .to_vec();
    for stat in ["first_response", "first_resolution", "resolution"] {
        for part in ["count", "median_s", "p90_s"] {
            h.push(format!("{stat}_{part}"));
        }
    }
    for t in TargetKind::ALL {
        h.extend([
            format!("sla_{t}_met"),
            format!("sla_{t}_breached"),
            format!("sla_{t}_percent"),
        ]);
    }
    h.extend(["reopened", "reopen_rate_percent"].map(String::from));
    for s in STATUSES {
        h.push(format!("time_in_{}_mean_s", s.as_str().replace('-', "_")));
    }
    for bucket in ["lt_1d", "1d_3d", "3d_7d", "1w_4w", "gt_4w"] {
        h.push(format!("backlog_age_{bucket}"));
    }
    h.push("time_spent_minutes".into());
    h
}

fn csv_row(row: &Row) -> Vec<String> {
    let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    let pct = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.1}"));
    let mut out = vec![
        row.key.clone(),
        row.label.clone(),
        row.since.map_or(String::new(), |s| s.to_rfc3339()),
        row.until.to_rfc3339(),
        row.opened.to_string(),
        row.resolved.to_string(),
        row.closed.to_string(),
        row.backlog.to_string(),
    ];
    for s in [&row.first_response, &row.first_resolution, &row.resolution] {
        out.extend([s.count.to_string(), opt(s.median), opt(s.p90)]);
    }
    for t in TargetKind::ALL {
        match row.compliance.iter().find(|c| c.target == t) {
            Some(c) => out.extend([c.met.to_string(), c.breached.to_string(), pct(c.percent)]),
            None => out.extend(["0".into(), "0".into(), String::new()]),
        }
    }
    out.extend([row.reopened.to_string(), pct(row.reopen_rate)]);
    for s in STATUSES {
        let mean = row
            .status_time
            .iter()
            .find(|x| x.status == s)
            .and_then(|x| x.mean);
        out.push(opt(mean));
    }
    out.extend(row.ageing.iter().map(|c| c.value.to_string()));
    out.push(row.time_spent.to_string());
    out
}

/// The workload table as CSV: one row per person.
pub fn workload_csv(people: &[Workload]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "person",
        "name",
        "open_assigned",
        "resolved",
        "first_response_count",
        "first_response_median_s",
        "first_response_p90_s",
        "time_spent_minutes",
    ])?;
    for p in people {
        let opt = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
        w.write_record([
            csv_safe(&p.person).into_owned(),
            csv_safe(&p.name).into_owned(),
            p.open_assigned.to_string(),
            p.resolved.to_string(),
            p.first_response.count.to_string(),
            opt(p.first_response.median),
            opt(p.first_response.p90),
            p.time_spent.to_string(),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
