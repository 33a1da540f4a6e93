//! Panics caught from user code, and what is kept of them: their message.
//!
//! A caught panic leaves its payload behind, and the handler's error may be
//! shown by a `Display` of the user's; both are user code that may panic in
//! turn (a payload whose `Drop` panics, a `Display` that does), outside the
//! guard that caught the handler. They are run within guards of their own,
//! so that no panic of the user's escapes `process`.

use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The message of a caught panic; its payload is dropped within a guard.
pub(crate) fn panic_message(panic: Box<dyn Any + Send>) -> String {
    let message = if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    };
    drop_payload(panic);
    message
}

/// Drops a panic's payload, whose own `Drop` may panic: that panic is
/// caught, and its payload forgotten rather than dropped (it could panic
/// again, and so on).
fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

/// `error` as `{:#}` shows it (error types such as anyhow's then print their
/// whole chain); should its `Display` panic, a text saying so, with the
/// panic's message.
pub(crate) fn shown<E: fmt::Display + ?Sized>(error: &E) -> String {
    match catch_unwind(AssertUnwindSafe(|| format!("{error:#}"))) {
        Ok(text) => text,
        Err(panic) => format!(
            "the handler's error could not be shown: its `Display` panicked ({})",
            panic_message(panic)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Bomb;

    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("dropped");
        }
    }

    struct Unprintable;

    impl fmt::Display for Unprintable {
        fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
            panic!("not shown")
        }
    }

    #[test]
    fn a_payload_that_panics_when_dropped_is_dropped_without_escaping() {
        let caught = catch_unwind(|| std::panic::panic_any(Bomb)).unwrap_err();
        assert_eq!(panic_message(caught), "a panic with a non-text payload");
    }

    #[test]
    fn text_payloads_give_their_text() {
        let caught = catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_message(caught), "boom 1");
        let caught = catch_unwind(|| std::panic::panic_any("static")).unwrap_err();
        assert_eq!(panic_message(caught), "static");
    }

    #[test]
    fn a_display_that_panics_is_shown_as_such() {
        assert_eq!(
            shown(&Unprintable),
            "the handler's error could not be shown: its `Display` panicked (not shown)"
        );
        assert_eq!(shown(&"fine"), "fine");
    }
}
