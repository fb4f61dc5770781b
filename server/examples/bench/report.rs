//! The figures, their budgets and baselines: printed as one table, written as JSON.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::load::LoadResult;

/// One row of the report.
#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    pub name: String,
    /// The measured value, as shown.
    pub value: String,
    pub budget: String,
    /// The same thing measured without our code, in the same run.
    pub baseline: Option<String>,
    /// Ours relative to the baseline, in words.
    pub ratio: Option<String>,
    pub met: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadResult>,
}

impl Figure {
    pub fn budget(name: &str, value: f64, unit: &str, budget: &str, met: bool) -> Figure {
        Figure {
            name: name.to_owned(),
            value: format!("{value:.1} {unit}"),
            budget: budget.to_owned() + " " + unit,
            baseline: None,
            ratio: None,
            met: Some(met),
            load: None,
        }
    }
}

#[derive(Default, Serialize)]
pub struct Report {
    pub figures: Vec<Figure>,
    pub notes: Vec<String>,
    pub machine: String,
}

fn criterion_mean_ns(group: &str, bench: &str) -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| super::repo_root().join("target"));
    let path = target.join(format!("criterion/{group}/{bench}/new/estimates.json"));
    let estimates: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    estimates["mean"]["point_estimate"].as_f64()
}

/// The criterion figures `cargo bench` wrote just before.
pub fn criterion_figures(report: &mut Report) {
    match (
        criterion_mean_ns("vault_round_trip", "vault"),
        criterion_mean_ns("vault_round_trip", "raw_aes_gcm"),
    ) {
        (Some(ours), Some(raw)) => report.add(Figure {
            name: "vault seal + open, typical credential (mean)".into(),
            value: format!("{:.2} µs", ours / 1000.0),
            budget: "< 20 µs".into(),
            baseline: Some(format!("{:.2} µs raw aes-gcm", raw / 1000.0)),
            ratio: Some(format!("{:.2}× raw time", ours / raw)),
            met: Some(ours < 20_000.0),
            load: None,
        }),
        _ => report.note(
            "vault benchmark results missing: run `cargo bench -p server --bench vault`".into(),
        ),
    }
    match (
        criterion_mean_ns("validate_config", "ours"),
        criterion_mean_ns("validate_config", "raw_jsonschema"),
    ) {
        (Some(ours), Some(raw)) => report.add(Figure {
            name: "validate config, largest seeded schema (mean)".into(),
            value: format!("{:.0} ns ({:.0}/s)", ours, 1e9 / ours),
            budget: "≥ 50 % of raw throughput".into(),
            baseline: Some(format!("{raw:.0} ns raw jsonschema ({:.0}/s)", 1e9 / raw)),
            ratio: Some(format!("{:.0} % of raw throughput", raw / ours * 100.0)),
            met: Some(raw / ours >= 0.5),
            load: None,
        }),
        _ => report.note(
            "validation benchmark results missing: run `cargo bench -p server --bench validation`"
                .into(),
        ),
    }
}

/// Raw and gzip -9 sizes of one file, in bytes.
fn sizes(path: &Path) -> Option<(usize, usize)> {
    use std::io::Write;
    let bytes = std::fs::read(path).ok()?;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&bytes).ok()?;
    Some((bytes.len(), gzip.finish().ok()?.len()))
}

fn wasm_figure(name: String, (raw, gzipped): (usize, usize)) -> Figure {
    Figure {
        name,
        value: format!(
            "{:.0} KB gzip ({:.0} KB raw)",
            gzipped as f64 / 1000.0,
            raw as f64 / 1000.0
        ),
        budget: "≤ 350 KB gzip".into(),
        baseline: None,
        ratio: None,
        met: Some(gzipped <= 350_000),
        load: None,
    }
}

/// The release bundle's size, raw and gzip -9: the main bundle every page loads, and,
/// when the build was split (`cargo leptos build --split`), what each page loads before
/// it is interactive: the main bundle plus the chunks its split manifest lists.
pub fn wasm_figures(report: &mut Report, pkg: &Path) {
    let Some(main) = sizes(&pkg.join("connector-hub.wasm")) else {
        report.note(format!(
            "no WASM bundle in {}: run `make build`",
            pkg.display()
        ));
        return;
    };
    report.add(wasm_figure("release WASM, main bundle".into(), main));
    let Some(manifest) = std::fs::read_to_string(pkg.join("__wasm_split_manifest.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<BTreeMap<String, Vec<String>>>(&text).ok())
    else {
        report.note("the WASM bundle is not split: build with `make build`".into());
        return;
    };
    for (split, chunks) in manifest {
        let Some(page) = split
            .strip_prefix("__")
            .and_then(|rest| rest.split_once("_route_view"))
            .map(|(page, _)| page.replace('_', " "))
        else {
            continue;
        };
        let mut total = main;
        for chunk in &chunks {
            let (raw, gzipped) = sizes(&pkg.join(format!("{chunk}.wasm"))).unwrap_or_default();
            total = (total.0 + raw, total.1 + gzipped);
        }
        report.add(wasm_figure(
            format!(
                "release WASM, first load of the {page} page ({} files)",
                chunks.len() + 1
            ),
            total,
        ));
    }
}

impl Report {
    pub fn add(&mut self, figure: Figure) {
        self.figures.push(figure);
    }

    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// A load result; `budget` names its check (judged here, or against the ceiling).
    pub fn load(&mut self, name: &str, result: LoadResult, budget: Option<&str>) {
        let met = budget.map(|budget| {
            if budget.starts_with("p99 < 20") {
                result.errors == 0 && result.p99_ms < 20.0
            } else if budget.starts_with("all 201") {
                result.errors == 0 && result.p99_ms < 100.0
            } else {
                result.errors == 0 && result.p99_ms < 10.0
            }
        });
        self.add(Figure {
            name: name.to_owned(),
            value: format!(
                "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors ({} conns)",
                result.requests_per_sec,
                result.p50_ms,
                result.p99_ms,
                result.errors,
                result.connections
            ),
            budget: budget.unwrap_or("(baseline)").to_owned(),
            baseline: None,
            ratio: None,
            met,
            load: Some(result),
        });
    }

    /// `/api/catalog` next to the ceiling: at least half its throughput.
    pub fn judge_against_ceiling(&mut self) {
        let Some(ceiling) = self
            .figures
            .iter()
            .find(|figure| figure.name.contains("ceiling"))
            .and_then(|figure| figure.load.clone())
        else {
            return;
        };
        for figure in &mut self.figures {
            if figure.name.starts_with("GET /api/catalog (") && !figure.name.contains("ceiling") {
                let Some(ours) = &figure.load else { continue };
                let ratio = ours.requests_per_sec / ceiling.requests_per_sec;
                figure.baseline = Some(format!("{:.0} req/s ceiling", ceiling.requests_per_sec));
                figure.ratio = Some(format!("{:.0} % of ceiling", ratio * 100.0));
                figure.met = Some(figure.met == Some(true) && ratio >= 0.5);
            }
        }
    }

    pub fn print(&mut self) {
        self.machine = machine();
        let headers = ["Figure", "Measured", "Budget", "Baseline", "Ratio", "Met"];
        let rows: Vec<[String; 6]> = self
            .figures
            .iter()
            .map(|figure| {
                [
                    figure.name.clone(),
                    figure.value.clone(),
                    figure.budget.clone(),
                    figure.baseline.clone().unwrap_or_default(),
                    figure.ratio.clone().unwrap_or_default(),
                    match figure.met {
                        Some(true) => "yes".into(),
                        Some(false) => "NO".into(),
                        None => "".into(),
                    },
                ]
            })
            .collect();
        let width = |column: usize| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([headers[column].len()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..6).map(width).collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            println!("| {} |", padded.join(" | "));
        };
        println!("\nConnector Hub benchmarks — {}\n", self.machine);
        line(&headers.map(str::to_owned));
        line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
        for row in &rows {
            line(row);
        }
        for note in &self.notes {
            println!("- {note}");
        }
    }

    /// The figures that missed their budget.
    pub fn misses(&self) -> Vec<&str> {
        self.figures
            .iter()
            .filter(|figure| figure.met == Some(false))
            .map(|figure| figure.name.as_str())
            .collect()
    }

    pub fn write(&self, path: &Path) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        match std::fs::write(path, json) {
            Ok(()) => println!("\nWritten: {}", path.display()),
            Err(error) => println!("\nCould not write {}: {error}", path.display()),
        }
    }
}

/// Cores and memory of this machine, for reading the figures.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
        })
        .map_or(String::new(), |kib| {
            format!(", {:.0} GiB", kib / 1024.0 / 1024.0)
        });
    format!("{cores} cores{memory}; load generator, servers and database share them")
}
