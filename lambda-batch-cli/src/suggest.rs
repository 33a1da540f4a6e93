//! "Did you mean": the known word closest to a misspelt one.
//!
//! Words are compared without case, `-` and `_`: `SkipGroup` and
//! `skip_group` are `skip-group` as typed by habit, not misspelt.

/// The candidate closest to `word`, when it is close enough to be what was
/// meant: at most two edits away, and fewer than a third of its letters.
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let word = folded(word);
    let limit = (word.chars().count() / 3).clamp(1, 2);
    candidates
        .iter()
        .map(|&candidate| (distance(&word, &folded(candidate)), candidate))
        .filter(|&(edits, _)| edits <= limit)
        .min_by_key(|&(edits, _)| edits)
        .map(|(_, candidate)| candidate)
}

/// `word` in lower case, without the `-` and `_` that separate its parts.
fn folded(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// ` (did you mean `X`?)` when a candidate is close to `word`, else nothing.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    closest(word, candidates).map_or_else(String::new, |c| format!("; did you mean `{c}`?"))
}

/// Edits (insertions, deletions, substitutions, swaps of neighbours) from
/// `a` to `b`.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows of the edit table: two back, one back, and this one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits() {
        assert_eq!(distance("concurency", "concurrency"), 1);
        assert_eq!(distance("--sorce", "--source"), 1);
        assert_eq!(distance("kinesis", "kineiss"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn suggests_only_what_is_close() {
        let options = ["--concurrency", "--parallel", "--source"];
        assert_eq!(closest("--concurency", &options), Some("--concurrency"));
        assert_eq!(closest("--paralel", &options), Some("--parallel"));
        assert_eq!(closest("--verbose", &options), None);
        assert_eq!(closest("x", &["y", "zz"]), Some("y"));
        assert_eq!(
            did_you_mean("kinesiss", &["sqs", "kinesis"]),
            "; did you mean `kinesis`?"
        );
        assert_eq!(did_you_mean("nothing", &["sqs"]), "");
    }

    #[test]
    fn case_and_separators_are_habits_not_misspellings() {
        let modes = ["auto", "stop", "skip-group", "off"];
        for word in [
            "skipgroup",
            "skip_group",
            "SkipGroup",
            "SKIP-GROUP",
            "skip-grop",
        ] {
            assert_eq!(closest(word, &modes), Some("skip-group"), "{word}");
        }
        assert_eq!(closest("SQS", &["sqs", "kinesis"]), Some("sqs"));
        assert_eq!(
            closest("PerKey", &["off", "stop", "per-key"]),
            Some("per-key")
        );
        assert_eq!(
            closest("--Source", &["--source", "--stream"]),
            Some("--source")
        );
        assert_eq!(closest("skip", &modes), None);
    }
}
