//! The event pass: how an event's bytes become records, in one pass, the
//! same way for every source.
//!
//! A source's parser hands the event to [`event`], which reads the top
//! level (an event source mapping's object or a pipe's list) and finds the
//! records list; [`records`] reads that list, handing each element to the
//! source's [`ConvertElement`](records::ConvertElement), which walks the
//! record's keys through [`keys`] (each JSON key named once, in the
//! source's `record_keys!` table) and stores each value in place, as a
//! tolerant [`field`] that remembers what it found, or as [`raw`] text
//! decoded when a handler reads it. When a value JSON cannot give stops the
//! pass, [`recovery`] reads the event again with each record on its own, so
//! that the record fails alone.
//!
//! | file | role |
//! |---|---|
//! | [`event`] | the top level: `{"Records": [...]}`, a pipe's `[...]`, Kafka's map of lists |
//! | [`records`] | a records list, each element converted into a record as it is read |
//! | [`recovery`] | the second pass, record by record, when the first stopped at a value |
//! | [`keys`] | a record's keys dispatched to its fields, each key named once |
//! | [`field`] | tolerant fields: any JSON kind accepted and remembered |
//! | [`raw`] | values kept as their text, decoded when read |

pub(crate) mod event;
pub(crate) mod field;
pub(crate) mod keys;
pub(crate) mod raw;
pub(crate) mod records;
pub(crate) mod recovery;
