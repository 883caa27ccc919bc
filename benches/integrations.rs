//! `cargo bench --bench integrations`: what the embedded integration data costs when a linted
//! machine first uses it: the index (services and optimized integrations), and the
//! decoding of one service's API model, for the smallest, a typical and
//! the largest (EC2) service. Each is decoded afresh (`Model::decode_embedded`), not from the cache.

use std::time::{Duration, Instant};

use asl_lint::asl::integrations::{self, Model};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let start = Instant::now();
    let services = integrations::sdk_services().len();
    let first = start.elapsed();
    println!(
        "index, first use (services and optimized integrations): {:.3} ms ({services} services, {} optimized)",
        first.as_secs_f64() * 1000.0,
        integrations::optimized_integrations().len()
    );
    let mut sizes: Vec<(usize, &str)> = integrations::sdk_services()
        .iter()
        .filter_map(|s| Some((integrations::embedded_model(s)?.len(), s.name)))
        .collect();
    sizes.sort_unstable();
    let picks = [
        sizes.first().map(|s| s.1).unwrap_or("sqs"),
        "lambda",
        "dynamodb",
        "s3",
        sizes.last().map(|s| s.1).unwrap_or("ec2"),
    ];
    let mut worst = Duration::ZERO;
    for name in picks {
        let service = integrations::sdk_service(name).expect("service");
        let bytes = integrations::embedded_model(service).expect("model");
        let time = best_of(20, || Model::decode_embedded(bytes).expect("decodes"));
        worst = worst.max(time);
        println!(
            "decode {name:<10} {:>7} bytes embedded: {:.3} ms",
            bytes.len(),
            time.as_secs_f64() * 1000.0
        );
    }
    let all = best_of(3, || {
        sizes
            .iter()
            .map(|(_, n)| {
                let s = integrations::sdk_service(n).unwrap();
                Model::decode_embedded(integrations::embedded_model(s).unwrap()).is_some()
            })
            .count()
    });
    println!(
        "largest single service: {:.3} ms; all {} services one after another: {:.1} ms",
        worst.as_secs_f64() * 1000.0,
        sizes.len(),
        all.as_secs_f64() * 1000.0
    );
}
