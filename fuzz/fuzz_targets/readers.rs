//! Arbitrary bytes through decoding and every input reader (text, Markdown, CSV, JSON, JSONL):
//! never a panic, and every message segment lies inside the document on character boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use presend_input::{self as input, InputFormat, ReadOptions};

const FORMATS: [InputFormat; 5] = [
    InputFormat::Text,
    InputFormat::Markdown,
    InputFormat::Csv,
    InputFormat::Json,
    InputFormat::Jsonl,
];

fuzz_target!(|data: &[u8]| {
    let presend_input::source::Loaded::Text(doc, _) = presend_input::source::decode("fuzz", data.to_vec())
    else {
        return;
    };
    for format in FORMATS {
        for unit in input::read(&doc, format, &ReadOptions::default()).units {
            let start = unit.segment.origin.byte_offset;
            let end = start + unit.segment.text.len();
            assert!(end <= doc.text.len() + doc.first_byte);
        }
    }
});
