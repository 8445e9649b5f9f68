//! Two files of one policy, `a.imp` and `b.imp` (see docs/reliability.md).
//!
//! The first byte chooses the set-up; the rest is cut in two at its first 0xFF byte (or in
//! the middle, if it has none): `a.imp` gets the first part, `b.imp` the second.
//! - bit 0: `a.imp` starts with `use "b.imp"`;
//! - bit 1: `b.imp` starts with `use "a.imp"` (a cycle, with bit 0);
//! - bit 2: both files are named, as `check_sources` (an editor's buffers) takes them, when
//!   both are UTF-8; otherwise `a.imp` alone is named, as `imp check a.imp`, and `b.imp` is
//!   read only if `a.imp` uses it.
#![no_main]

use imp::check::{check_sources, check_with};
use imp::vfs::MemoryFs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (first, second) = match rest.iter().position(|&b| b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => rest.split_at(rest.len() / 2),
    };
    let mut a = Vec::new();
    if mode & 1 != 0 {
        a.extend_from_slice(b"use \"b.imp\"\n");
    }
    a.extend_from_slice(first);
    let mut b = Vec::new();
    if mode & 2 != 0 {
        b.extend_from_slice(b"use \"a.imp\"\n");
    }
    b.extend_from_slice(second);

    if mode & 4 != 0
        && let (Ok(a), Ok(b)) = (std::str::from_utf8(&a), std::str::from_utf8(&b))
    {
        let files = [("a.imp", a), ("b.imp", b)];
        imp_fuzz::check_twice(|| check_sources(&files, imp_fuzz::options()));
        return;
    }
    let mut fs = MemoryFs::new();
    fs.insert("a.imp", a);
    fs.insert("b.imp", b);
    imp_fuzz::check_twice(|| match check_with(&fs, "a.imp", imp_fuzz::options()) {
        Ok(a) => a,
        Err(e) => panic!("a file that exists cannot be checked: {e}"),
    });
});
