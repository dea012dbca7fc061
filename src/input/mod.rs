//! Format readers: turn a [`Document`] into the [`Segment`]s worth scanning.
//!
//! Plain text is one segment. Readers never match anything; they only decide what text is a
//! message and where it sits in the file.

use crate::source::Document;
use crate::text::{Origin, Segment};

/// Split a document into segments. Plain text is a single segment covering the whole document.
pub fn segments(doc: &Document) -> Vec<Segment> {
    vec![Segment {
        text: doc.text.clone(),
        origin: Origin::document(doc.path.clone()),
    }]
}
