//! Each lambda-batch processor and its floor timed in turn, round after
//! round (which of the two goes first alternating), so that a shared
//! machine's drift moves both alike; medians and their ratio are printed.

use std::time::{Duration, Instant};

/// How many rounds: enough for stable medians, few enough for a quick run.
const ROUNDS: usize = 60;

/// One comparison: a name, the event, lambda-batch's run and the floor's.
pub type Pair<'a> = (
    &'a str,
    &'a str,
    &'a dyn Fn(&str) -> Vec<u8>,
    &'a dyn Fn(&str) -> Vec<u8>,
);

fn timed(run: &dyn Fn(&str) -> Vec<u8>, text: &str) -> Duration {
    let started = Instant::now();
    std::hint::black_box(run(text));
    started.elapsed()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// Times every pair and prints the medians and ratios.
pub fn report(pairs: &[Pair<'_>]) {
    println!("\nIn turn, medians of {ROUNDS} rounds (ms per 10,000-record event):");
    println!(
        "  {:<22} {:>12} {:>10} {:>8}",
        "case", "lambda-batch", "floor", "ratio"
    );
    for (name, text, ours, floor) in pairs {
        // Warm both up.
        timed(*ours, text);
        timed(*floor, text);
        let (mut a, mut b) = (Vec::with_capacity(ROUNDS), Vec::with_capacity(ROUNDS));
        for round in 0..ROUNDS {
            if round % 2 == 0 {
                a.push(timed(*ours, text));
                b.push(timed(*floor, text));
            } else {
                b.push(timed(*floor, text));
                a.push(timed(*ours, text));
            }
        }
        let (ours, floor) = (median(&mut a), median(&mut b));
        println!(
            "  {name:<22} {:>12.3} {:>10.3} {:>7.2}x",
            ours.as_secs_f64() * 1e3,
            floor.as_secs_f64() * 1e3,
            ours.as_secs_f64() / floor.as_secs_f64()
        );
    }
}
