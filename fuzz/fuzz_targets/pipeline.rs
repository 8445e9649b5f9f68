//! The whole pipeline on one file: the input's bytes are `p.imp`, checked as
//! `imp check p.imp` would (see docs/reliability.md for what is asserted).
#![no_main]

use imp::check::check_with;
use imp::vfs::MemoryFs;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut fs = MemoryFs::new();
    fs.insert("p.imp", data);
    imp_fuzz::check_twice(|| match check_with(&fs, "p.imp", imp_fuzz::options()) {
        Ok(a) => a,
        Err(e) => panic!("a file that exists cannot be checked: {e}"),
    });
});
