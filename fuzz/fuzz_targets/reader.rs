//! The hand-written reader against pest: on any input, every item the reader reads, it reads
//! as pest does (see `src/syntax/fast.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        imp_fuzz::assert_readers_agree(text);
    }
});
