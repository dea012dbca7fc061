//! The prepared form of a built-in pack: what `build.rs` writes from the pack's TOML, and a serde
//! deserializer that reads it into the same schema ([`crate::schema`]) the TOML is read into.
//!
//! Why not JSON, as before: reading the packs' 715 KB of JSON cost 21.6 M instructions at every
//! start, 4.8 M of it scanning strings for quotes and escapes; MessagePack (rmp-serde, tried on
//! the same packs) saved only a sixth of that, and spent 3.8 M checking every string for valid
//! UTF-8. Here a value is a tag byte, lengths are LEB128, and the text of every string is one
//! `&'static str` (the strings in the order the tape meets them), so a string costs a slice, not
//! a scan; each sequence's length is known before its items, so vectors are allocated once at
//! their size.
//! Formats that carry no types (postcard, bincode) cannot read this schema: its term lists and
//! patterns are untagged enums, and `toml::Spanned` ids are maps, both read through
//! `deserialize_any`.
//!
//! The deserializer is not human-readable ([`serde::Deserializer::is_human_readable`]), which
//! lets a schema type take a shorter path here than in TOML (see `schema::TermDef`).

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Visitor};
use serde::forward_to_deserialize_any;
use std::fmt;

/// Tag of `false`.
pub(crate) const TAG_FALSE: u8 = 0;
/// Tag of `true`.
pub(crate) const TAG_TRUE: u8 = 1;
/// Tag of an unsigned integer: eight bytes, little-endian.
pub(crate) const TAG_U64: u8 = 2;
/// Tag of a negative integer: eight bytes, little-endian.
pub(crate) const TAG_I64: u8 = 3;
/// Tag of a float: eight bytes, little-endian.
pub(crate) const TAG_F64: u8 = 4;
/// Tag of a string: its length in bytes; its text is next in the strings.
pub(crate) const TAG_STR: u8 = 5;
/// Tag of a sequence: its length, then its items.
pub(crate) const TAG_SEQ: u8 = 6;
/// Tag of a map: its number of entries, then key and value of each.
pub(crate) const TAG_MAP: u8 = 7;

/// Read a `T` from a prepared `tape` and its `strings`, which must be read to the end.
pub(crate) fn from_prepared<'de, T: de::Deserialize<'de>>(
    tape: &'de [u8],
    strings: &'de str,
) -> Result<T, Malformed> {
    let mut reader = Reader {
        tape,
        strings,
        at: 0,
        text_at: 0,
    };
    let value = T::deserialize(&mut reader)?;
    if reader.at != tape.len() || reader.text_at != strings.len() {
        return Err(Malformed("trailing data".into()));
    }
    Ok(value)
}

/// Why a prepared pack could not be read (the loader then reads the pack's TOML instead).
#[derive(Debug)]
pub(crate) struct Malformed(String);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Malformed {}

impl de::Error for Malformed {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Malformed(msg.to_string())
    }
}

/// A cursor over a tape and its strings.
struct Reader<'de> {
    tape: &'de [u8],
    strings: &'de str,
    /// Next byte of the tape.
    at: usize,
    /// Start of the next string's text.
    text_at: usize,
}

fn truncated() -> Malformed {
    Malformed("truncated tape".into())
}

impl<'de> Reader<'de> {
    #[inline]
    fn byte(&mut self) -> Result<u8, Malformed> {
        let b = *self.tape.get(self.at).ok_or_else(truncated)?;
        self.at += 1;
        Ok(b)
    }

    fn eight(&mut self) -> Result<[u8; 8], Malformed> {
        let bytes = self.tape.get(self.at..self.at + 8).ok_or_else(truncated)?;
        self.at += 8;
        Ok(bytes.try_into().expect("eight bytes"))
    }

    /// A LEB128 length.
    #[inline]
    fn length(&mut self) -> Result<usize, Malformed> {
        let first = self.byte()?;
        if first < 0x80 {
            return Ok(usize::from(first));
        }
        self.at -= 1;
        self.long_length()
    }

    /// A LEB128 length of more than one byte.
    #[cold]
    fn long_length(&mut self) -> Result<usize, Malformed> {
        let mut n = 0usize;
        for shift in (0..usize::BITS).step_by(7) {
            let b = self.byte()?;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(Malformed("length too long".into()))
    }

    /// The text of the string whose tag was just read.
    #[inline]
    fn text(&mut self) -> Result<&'de str, Malformed> {
        let end = self.text_at + self.length()?;
        let text = self.strings.get(self.text_at..end).ok_or_else(truncated)?;
        self.text_at = end;
        Ok(text)
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Malformed;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        match self.byte()? {
            TAG_FALSE => visitor.visit_bool(false),
            TAG_TRUE => visitor.visit_bool(true),
            TAG_U64 => visitor.visit_u64(u64::from_le_bytes(self.eight()?)),
            TAG_I64 => visitor.visit_i64(i64::from_le_bytes(self.eight()?)),
            TAG_F64 => visitor.visit_f64(f64::from_le_bytes(self.eight()?)),
            TAG_STR => visitor.visit_borrowed_str(self.text()?),
            TAG_SEQ => {
                let left = self.length()?;
                visitor.visit_seq(Items { reader: self, left })
            }
            TAG_MAP => {
                let left = self.length()?;
                visitor.visit_map(Items { reader: self, left })
            }
            tag => Err(Malformed(format!("unknown tag {tag}"))),
        }
    }

    /// TOML has no null, so a value that is there is `Some`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Malformed> {
        visitor.visit_some(self)
    }

    /// The schema's enums are unit variants written as strings (`severity = "warning"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Malformed> {
        match self.byte()? {
            TAG_STR => visitor.visit_enum(BorrowedStrDeserializer::new(self.text()?)),
            tag => Err(Malformed(format!("an enum is a string, not tag {tag}"))),
        }
    }

    fn is_human_readable(&self) -> bool {
        false
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// The items of a sequence, or the entries of a map, still to read.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = Malformed;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Malformed> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, 'de> {
    type Error = Malformed;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Malformed> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Malformed> {
        seed.deserialize(&mut *self.reader)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::PackFile;

    fn presend_pack() -> (&'static [u8], &'static str) {
        crate::builtin::embedded_pack(crate::PRESEND_PACK.0).expect("the build converted it")
    }

    #[test]
    fn a_cut_tape_is_an_error_not_a_panic() {
        let (tape, strings) = presend_pack();
        assert!(from_prepared::<PackFile>(tape, strings).is_ok());
        for cut in (0..tape.len()).step_by(7) {
            assert!(
                from_prepared::<PackFile>(&tape[..cut], strings).is_err(),
                "{cut}"
            );
        }
        for cut in (0..strings.len()).step_by(97) {
            let end = (0..=cut).rev().find(|&i| strings.is_char_boundary(i));
            let strings = &strings[..end.unwrap_or(0)];
            assert!(from_prepared::<PackFile>(tape, strings).is_err(), "{cut}");
        }
    }

    #[test]
    fn trailing_data_is_an_error() {
        let (tape, strings) = presend_pack();
        let longer: Vec<u8> = tape.iter().copied().chain([TAG_TRUE]).collect();
        assert!(from_prepared::<PackFile>(&longer, strings).is_err());
        let more = format!("{strings}x");
        assert!(from_prepared::<PackFile>(tape, &more).is_err());
    }

    #[test]
    fn values_read_as_their_tags_say() {
        // A map of three entries: "a" = [true, 7, -2], "b" = 0.5, "c" = "text".
        let mut tape = vec![TAG_MAP, 3, TAG_STR, 1, TAG_SEQ, 3, TAG_TRUE, TAG_U64];
        tape.extend(7u64.to_le_bytes());
        tape.push(TAG_I64);
        tape.extend((-2i64).to_le_bytes());
        tape.extend([TAG_STR, 1, TAG_F64]);
        tape.extend(0.5f64.to_le_bytes());
        tape.extend([TAG_STR, 1, TAG_STR, 4]);
        let value: serde_json::Value = from_prepared(&tape, "abctext").unwrap();
        assert_eq!(
            value,
            serde_json::json!({"a": [true, 7, -2], "b": 0.5, "c": "text"})
        );
    }
}
