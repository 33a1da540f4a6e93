//! Which record may start next, given the plan and what has finished.
//!
//! The schedule knows only positions and keys; the engines that run
//! handlers (in sequence, concurrently, or on threads) ask it for the next
//! step and tell it when a record finished. Every record comes out of
//! [`Schedule::next`] exactly once, as [`Step::Start`] or [`Step::Skip`],
//! and always the lowest position that may go: records start in input order
//! as far as the plan allows.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::Plan;

/// What an engine does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Run the record at this position.
    Start(usize),
    /// Report the record at this position without running it.
    Skip(usize, Cause),
    /// Nothing may start until a running record finishes.
    Wait,
    /// Every record has started or been skipped, and none is running.
    Done,
}

/// Why a record is skipped, by position; engines turn it into a
/// [`SkipReason`](crate::SkipReason) with the failed record's identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cause {
    /// The record at this position failed, and the batch stops there.
    EarlierFailure(usize),
    /// The record at `failed` with the same key (number `group`) failed.
    GroupFailed { group: usize, failed: usize },
    /// The record at this position could not be read: its key is unknown.
    UnknownGroup(usize),
}

/// A record's key, as the schedule sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key<'k> {
    /// The record has this key.
    Known(std::borrow::Cow<'k, str>),
    /// The record has no key: it is ordered with nothing.
    None,
    /// The record could not be read, so its key is unknown.
    Unknown,
}

const NONE: usize = usize::MAX;

#[derive(Debug)]
pub(crate) struct Schedule {
    len: usize,
    running: usize,
    state: State,
}

#[derive(Debug)]
enum State {
    Unordered {
        next: usize,
    },
    Stop {
        next: usize,
        failed: Option<usize>,
    },
    Groups {
        /// Records free to go, lowest position first.
        ready: BinaryHeap<Reverse<usize>>,
        /// Each record's group, or `NONE`.
        group_of: Vec<usize>,
        /// The next record of the same group, or `NONE`.
        next_in_group: Vec<usize>,
        /// Each group's key and first failed record.
        groups: Vec<Group>,
        /// Positions of unreadable records, whose keys are unknown.
        unknown: Vec<bool>,
        /// The first unreadable record that started: every later one is skipped.
        blocked: Option<usize>,
    },
}

#[derive(Debug)]
struct Group {
    key: String,
    failed: Option<usize>,
}

impl Schedule {
    /// A schedule for `plan`; `keys` yields each record's key, in input
    /// order (read only for [`Plan::Groups`]).
    pub(crate) fn new<'k>(plan: Plan, len: usize, keys: impl Iterator<Item = Key<'k>>) -> Self {
        let state = match plan {
            Plan::Unordered => State::Unordered { next: 0 },
            Plan::Stop => State::Stop {
                next: 0,
                failed: None,
            },
            Plan::Groups => groups(len, keys),
        };
        Schedule {
            len,
            running: 0,
            state,
        }
    }

    /// The key of group number `group`.
    pub(crate) fn group_key(&self, group: usize) -> &str {
        match &self.state {
            State::Groups { groups, .. } => groups.get(group).map_or("", |g| g.key.as_str()),
            _ => "",
        }
    }

    /// How many records are running.
    #[cfg(test)]
    pub(crate) fn running(&self) -> usize {
        self.running
    }

    /// The next step.
    #[inline]
    pub(crate) fn next(&mut self) -> Step {
        // Unordered records, the common case, need no more than a count.
        if let State::Unordered { next } = &mut self.state {
            if *next < self.len {
                *next += 1;
                self.running += 1;
                return Step::Start(*next - 1);
            }
        }
        self.next_planned()
    }

    fn next_planned(&mut self) -> Step {
        let running = self.running;
        let idle = if running == 0 { Step::Done } else { Step::Wait };
        let step = match &mut self.state {
            State::Unordered { next } => {
                if *next == self.len {
                    idle
                } else {
                    *next += 1;
                    Step::Start(*next - 1)
                }
            }
            State::Stop { next, failed } => {
                if *next == self.len {
                    idle
                } else if running > 0 {
                    Step::Wait
                } else {
                    *next += 1;
                    match failed {
                        Some(failed) => Step::Skip(*next - 1, Cause::EarlierFailure(*failed)),
                        None => Step::Start(*next - 1),
                    }
                }
            }
            State::Groups {
                ready,
                group_of,
                next_in_group,
                groups,
                unknown,
                blocked,
            } => match ready.pop() {
                None => idle,
                Some(Reverse(index)) => {
                    let group = group_of[index];
                    let failed = if group == NONE {
                        None
                    } else {
                        groups[group].failed
                    };
                    match (*blocked, failed) {
                        (Some(blocked), _) if index > blocked => {
                            release(ready, next_in_group, index);
                            Step::Skip(index, Cause::UnknownGroup(blocked))
                        }
                        (_, Some(failed)) => {
                            release(ready, next_in_group, index);
                            Step::Skip(index, Cause::GroupFailed { group, failed })
                        }
                        _ => {
                            // An unreadable record fails without running:
                            // what follows it is blocked from now, not from
                            // when an engine reports it, so that no later
                            // record slips in between.
                            if unknown[index] && blocked.is_none() {
                                *blocked = Some(index);
                            }
                            Step::Start(index)
                        }
                    }
                }
            },
        };
        if let Step::Start(_) = step {
            self.running += 1;
        }
        step
    }

    /// Records that the record at `index`, which had started, finished.
    #[inline]
    pub(crate) fn finished(&mut self, index: usize, failed: bool) {
        self.running = self.running.saturating_sub(1);
        if !matches!(self.state, State::Unordered { .. }) {
            self.finished_planned(index, failed);
        }
    }

    fn finished_planned(&mut self, index: usize, failed: bool) {
        match &mut self.state {
            State::Unordered { .. } => {}
            State::Stop { failed: first, .. } => {
                if failed && first.is_none() {
                    *first = Some(index);
                }
            }
            State::Groups {
                ready,
                group_of,
                next_in_group,
                groups,
                ..
            } => {
                if failed {
                    if let Some(group) = groups.get_mut(group_of[index]) {
                        group.failed.get_or_insert(index);
                    }
                }
                release(ready, next_in_group, index);
            }
        }
    }
}

/// Makes the record after `index` in its group free to go.
fn release(ready: &mut BinaryHeap<Reverse<usize>>, next_in_group: &[usize], index: usize) {
    let next = next_in_group[index];
    if next != NONE {
        ready.push(Reverse(next));
    }
}

fn groups<'k>(len: usize, keys: impl Iterator<Item = Key<'k>>) -> State {
    let mut numbers: HashMap<std::borrow::Cow<'k, str>, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    // The last record seen of each group, to link the next one to it.
    let mut last: Vec<usize> = Vec::new();
    let mut group_of = vec![NONE; len];
    let mut next_in_group = vec![NONE; len];
    let mut unknown = vec![false; len];
    let mut ready = BinaryHeap::new();
    for (index, key) in keys.take(len).enumerate() {
        match key {
            Key::Known(key) => {
                let number = *numbers.entry(key).or_insert_with_key(|key| {
                    groups.push(Group {
                        key: key.clone().into_owned(),
                        failed: None,
                    });
                    last.push(NONE);
                    groups.len() - 1
                });
                group_of[index] = number;
                match last[number] {
                    NONE => ready.push(Reverse(index)),
                    previous => next_in_group[previous] = index,
                }
                last[number] = index;
            }
            Key::None => ready.push(Reverse(index)),
            Key::Unknown => {
                unknown[index] = true;
                ready.push(Reverse(index));
            }
        }
    }
    State::Groups {
        ready,
        group_of,
        next_in_group,
        groups,
        unknown,
        blocked: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn keys<'k>(keys: &'k [Option<&'static str>]) -> impl Iterator<Item = Key<'static>> + 'k {
        keys.iter().map(|k| match k {
            Some("?") => Key::Unknown,
            Some(k) => Key::Known(Cow::Borrowed(*k)),
            None => Key::None,
        })
    }

    /// Runs a schedule one record at a time; `fails` says which records fail.
    fn sequential(mut schedule: Schedule, fails: &[usize]) -> Vec<Step> {
        let mut steps = Vec::new();
        loop {
            let step = schedule.next();
            match step {
                Step::Start(i) => schedule.finished(i, fails.contains(&i)),
                Step::Skip(..) => {}
                Step::Wait => panic!("a sequential run never waits"),
                Step::Done => break,
            }
            steps.push(step);
        }
        steps
    }

    #[test]
    fn unordered_starts_everything_in_order() {
        let steps = sequential(Schedule::new(Plan::Unordered, 3, keys(&[])), &[0]);
        assert_eq!(steps, [Step::Start(0), Step::Start(1), Step::Start(2)]);
    }

    #[test]
    fn stop_skips_everything_after_the_first_failure() {
        let schedule = Schedule::new(Plan::Stop, 4, keys(&[]));
        let steps = sequential(schedule, &[1, 2]);
        assert_eq!(
            steps,
            [
                Step::Start(0),
                Step::Start(1),
                Step::Skip(2, Cause::EarlierFailure(1)),
                Step::Skip(3, Cause::EarlierFailure(1)),
            ]
        );
    }

    #[test]
    fn stop_runs_one_record_at_a_time() {
        let mut schedule = Schedule::new(Plan::Stop, 2, keys(&[]));
        assert_eq!(schedule.next(), Step::Start(0));
        assert_eq!(schedule.next(), Step::Wait);
        schedule.finished(0, false);
        assert_eq!(schedule.next(), Step::Start(1));
        assert_eq!(schedule.next(), Step::Wait);
        schedule.finished(1, false);
        assert_eq!(schedule.next(), Step::Done);
    }

    #[test]
    fn groups_skip_only_the_failed_group() {
        // g1:[ok, ok] g2:[fail, ok] g3:[fail], interleaved.
        let k = [Some("g1"), Some("g2"), Some("g1"), Some("g2"), Some("g3")];
        let schedule = Schedule::new(Plan::Groups, 5, keys(&k));
        let steps = sequential(schedule, &[1, 4]);
        assert_eq!(
            steps,
            [
                Step::Start(0),
                Step::Start(1),
                Step::Start(2),
                Step::Skip(
                    3,
                    Cause::GroupFailed {
                        group: 1,
                        failed: 1
                    }
                ),
                Step::Start(4),
            ]
        );
    }

    #[test]
    fn groups_run_side_by_side_but_each_in_order() {
        let k = [Some("a"), Some("a"), Some("b"), None, Some("a")];
        let mut schedule = Schedule::new(Plan::Groups, 5, keys(&k));
        assert_eq!(schedule.next(), Step::Start(0));
        assert_eq!(schedule.next(), Step::Start(2));
        assert_eq!(schedule.next(), Step::Start(3));
        assert_eq!(schedule.next(), Step::Wait);
        assert_eq!(schedule.running(), 3);
        schedule.finished(0, false);
        assert_eq!(schedule.next(), Step::Start(1));
        schedule.finished(1, true);
        assert_eq!(
            schedule.next(),
            Step::Skip(
                4,
                Cause::GroupFailed {
                    group: 0,
                    failed: 1
                }
            )
        );
        assert_eq!(schedule.group_key(0), "a");
        assert_eq!(schedule.next(), Step::Wait);
        schedule.finished(2, false);
        schedule.finished(3, true);
        assert_eq!(schedule.next(), Step::Done);
    }

    #[test]
    fn records_without_a_key_poison_nothing() {
        let k = [None, Some("a"), None];
        let steps = sequential(Schedule::new(Plan::Groups, 3, keys(&k)), &[0]);
        assert_eq!(steps, [Step::Start(0), Step::Start(1), Step::Start(2)]);
    }

    #[test]
    fn an_unreadable_record_blocks_later_records_from_its_start() {
        // Record 0 finishing frees record 2 while the unreadable record 1
        // has started but not yet been reported: 2 must not start.
        let k = [Some("a"), Some("?"), Some("a")];
        let mut schedule = Schedule::new(Plan::Groups, 3, keys(&k));
        assert_eq!(schedule.next(), Step::Start(0));
        assert_eq!(schedule.next(), Step::Start(1));
        schedule.finished(0, false);
        assert_eq!(schedule.next(), Step::Skip(2, Cause::UnknownGroup(1)));
        schedule.finished(1, true);
        assert_eq!(schedule.next(), Step::Done);
    }

    #[test]
    fn an_unreadable_record_blocks_every_later_record() {
        let k = [Some("a"), Some("?"), Some("b"), None];
        let steps = sequential(Schedule::new(Plan::Groups, 4, keys(&k)), &[1]);
        assert_eq!(
            steps,
            [
                Step::Start(0),
                Step::Start(1),
                Step::Skip(2, Cause::UnknownGroup(1)),
                Step::Skip(3, Cause::UnknownGroup(1)),
            ]
        );
    }
}
