//! Measures `process_photo` on image files and optionally writes the outputs for viewing.
//!
//! ```text
//! cargo run --release -p raline-media --example time_photo -- [--out DIR] [--runs N] FILE...
//! ```
//!
//! Prints the minimum and median wall time of N runs (default 10) per file. With `--out`, the
//! normalised photo and the card crop are written to DIR as `NAME.photo.jpg` and
//! `NAME.card.jpg`, each with a PNG copy for viewers that do not show JPEG.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use raline_media::{UploadLimits, process_photo};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut out_dir: Option<PathBuf> = None;
    let mut runs = 10usize;
    let mut files = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out_dir = Some(args.next().expect("--out needs a folder").into()),
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .expect("--runs needs a positive number");
            }
            _ => files.push(PathBuf::from(arg)),
        }
    }
    if files.is_empty() {
        eprintln!("usage: time_photo [--out DIR] [--runs N] FILE...");
        std::process::exit(2);
    }

    let limits = UploadLimits::default();
    for file in files {
        let bytes = std::fs::read(&file).expect("read input file");
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut last = None;
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            let result = process_photo(&bytes, &limits);
            times.push(started.elapsed());
            last = Some(result);
        }
        times.sort();
        let median = times[times.len() / 2];
        let outcome = match last.expect("at least one run") {
            Ok(photo) => {
                if let Some(dir) = &out_dir {
                    let stem = file.file_stem().unwrap_or_default().to_string_lossy();
                    for (suffix, jpeg) in [("photo", &photo.jpeg), ("card", &photo.card_jpeg)] {
                        let path = dir.join(format!("{stem}.{suffix}.jpg"));
                        std::fs::write(&path, jpeg).expect("write JPEG output");
                        image::load_from_memory(jpeg)
                            .expect("decode output")
                            .save(path.with_extension("png"))
                            .expect("write PNG copy");
                    }
                }
                format!(
                    "ok {}x{}, {} + {} bytes",
                    photo.width,
                    photo.height,
                    photo.jpeg.len(),
                    photo.card_jpeg.len()
                )
            }
            Err(error) => format!("rejected {}: {error}", error.code()),
        };
        println!(
            "{}: {} bytes, min {:.3} ms, median {:.3} ms over {} runs, {outcome}",
            file.display(),
            bytes.len(),
            times[0].as_secs_f64() * 1000.0,
            median.as_secs_f64() * 1000.0,
            times.len(),
        );
    }
}
