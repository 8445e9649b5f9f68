//! "Did you mean ...?": the closest known word to a misspelt one, at a bounded cost.
//!
//! A word is close to a candidate when their Jaro-Winkler similarity is at least 0.85, or
//! their edit distance (with transpositions) is at most a third of the longer one (at least 1).
//! Words longer than [`MAX_LEN`] are never compared, and a plain scan looks at no more than
//! [`MAX_SCAN`] candidates; a namespace larger than that is searched through a
//! [`Suggester`], an index of the words one deletion away from each name, so that
//! thousands of misspelt names against thousands of names stay linear.

use std::hash::{BuildHasher, Hash, Hasher};

use super::backticked;

/// The longest word compared. A longer word (or candidate) gets no suggestion.
pub const MAX_LEN: usize = 64;

/// The most candidates a plain scan compares; a larger namespace is searched through a
/// [`Suggester`].
pub const MAX_SCAN: usize = 256;

/// How many comparisons the plain scans of one run may make in all; past that, names are
/// searched through a [`Suggester`] (or, for steps, get no suggestion), so that thousands of
/// misspellings cost no more than thousands of lookups.
pub const SCAN_BUDGET: usize = 200_000;

/// How many neighbours of a word a [`Suggester`] compares it with.
pub const MAX_CANDIDATES: usize = 64;

/// How many names a list of candidates shows before "and N more".
pub const MAX_LISTED: usize = 6;

fn close(word: &str, candidate: &str) -> Option<f64> {
    if candidate == word || candidate.len() > MAX_LEN {
        return None;
    }
    let (a, b) = (word.len(), candidate.len());
    let limit = (a.max(b) / 3).max(1);
    // Jaro-Winkler cannot reach 0.85 when one is more than twice the other (and a few), and
    // then neither can the distance be within the limit: skip the work.
    if a.max(b) > 2 * a.min(b) + 3 {
        return None;
    }
    let score = strsim::jaro_winkler(word, candidate);
    if score >= 0.85 {
        return Some(score);
    }
    (a.abs_diff(b) <= limit && strsim::osa_distance(word, candidate) <= limit).then_some(score)
}

/// The closest candidate to `word`, if one is close enough for "did you mean". Ties go to
/// the alphabetically first, so that the answer does not depend on the order given.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.len() > MAX_LEN {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for c in candidates.into_iter().take(MAX_SCAN) {
        if let Some(score) = close(word, c)
            && best.is_none_or(|(s, b)| score > s || (score == s && c < b))
        {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Help for a word that is none of a small, fixed set of `candidates` (a vocabulary, the
/// steps of a procedure): "did you mean `x`?" when one is close, or else `otherwise`
/// followed by the candidates.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    otherwise: &str,
) -> String {
    match suggest(word, candidates.clone()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("{otherwise} {}", backticked(candidates, ", ")),
    }
}

/// The first [`MAX_LISTED`] items in backticks, and how many more there are.
pub fn listing<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for i in items {
        if shown.len() < MAX_LISTED {
            shown.push(i);
        } else {
            more += 1;
        }
    }
    let list = backticked(&shown, ", ");
    match more {
        0 => list,
        n => format!("{list} and {n} more"),
    }
}

/// A title as a name might be written: `"Alice Smith"` as `alice_smith`.
pub fn title_key(title: &str) -> Option<String> {
    let mut key = String::new();
    for c in title.chars().take(MAX_LEN + 1) {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    while key.ends_with('_') {
        key.pop();
    }
    (!key.is_empty() && key.len() <= MAX_LEN).then_some(key)
}

/// One candidate of a [`Suggester`]: a name, and the key of its title.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    title: Option<String>,
}

/// A suggestion: the name, and the title it was found by, if it was found by its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    pub by_title: bool,
}

/// An index for "did you mean" over many names (and their titles).
#[derive(Debug, Default)]
pub struct Suggester {
    entries: Vec<Entry>,
    /// (hash of a word with at most one character deleted, entry), sorted.
    deletions: Vec<(u64, u32)>,
}

fn hash_of(s: &str, skip: Option<usize>) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x5eed).build_hasher();
    for (i, c) in s.char_indices() {
        if Some(i) != skip {
            c.hash(&mut h);
        }
    }
    h.finish()
}

/// The hashes of `s` and of `s` with each one character deleted.
fn deletions(s: &str) -> impl Iterator<Item = u64> + '_ {
    std::iter::once(hash_of(s, None)).chain(s.char_indices().map(|(i, _)| hash_of(s, Some(i))))
}

impl Suggester {
    /// Builds the index over `(name, title)` pairs.
    pub fn new<'a>(candidates: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Suggester {
        let mut s = Suggester::default();
        for (name, title) in candidates {
            if name.len() > MAX_LEN {
                continue;
            }
            let e = s.entries.len() as u32;
            let title = title.and_then(title_key).filter(|t| t != name);
            for key in std::iter::once(name).chain(title.as_deref()) {
                s.deletions.extend(deletions(key).map(|h| (h, e)));
            }
            s.entries.push(Entry {
                name: name.to_string(),
                title,
            });
        }
        s.deletions.sort_unstable();
        s.deletions.dedup();
        s
    }

    /// The closest name to `word`, by name or by title.
    pub fn suggest(&self, word: &str) -> Option<Suggestion> {
        if word.len() > MAX_LEN {
            return None;
        }
        let mut seen = Vec::new();
        for h in deletions(word) {
            let from = self.deletions.partition_point(|(k, _)| *k < h);
            seen.extend(
                self.deletions[from..]
                    .iter()
                    .take_while(|(k, _)| *k == h)
                    .map(|&(_, e)| e),
            );
        }
        // The nearest entries first (declaration order), at most MAX_CANDIDATES of them: in
        // a dense namespace (`person_1` .. `person_20000`) a word has many neighbours.
        seen.sort_unstable();
        seen.dedup();
        seen.truncate(MAX_CANDIDATES);
        let mut best: Option<(f64, bool, &str)> = None;
        for e in seen {
            let entry = &self.entries[e as usize];
            let by_name = close(word, &entry.name).map(|s| (s, false));
            let by_title = entry
                .title
                .as_deref()
                .and_then(|t| close(word, t).or((t == word).then_some(1.0)))
                .map(|s| (s, true));
            let found = match (by_name, by_title) {
                (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
                (a, b) => a.or(b),
            };
            if let Some((score, title)) = found
                && best.is_none_or(|(s, _, n)| score > s || (score == s && entry.name.as_str() < n))
            {
                best = Some((score, title, &entry.name));
            }
        }
        best.map(|(_, by_title, name)| Suggestion {
            name: name.to_string(),
            by_title,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggester_finds_what_a_scan_finds_one_edit_away() {
        let names = ["ciso", "ceo", "cio", "dpo", "legal", "incident_manager"];
        let s = Suggester::new(names.iter().map(|n| (*n, None)));
        for word in ["cisso", "cis", "lgeal", "incident_managr", "dop"] {
            assert_eq!(
                s.suggest(word).map(|s| s.name),
                suggest(word, names).map(str::to_string),
                "{word}"
            );
        }
    }

    #[test]
    fn titles_are_candidates_too() {
        let s = Suggester::new([("asmith", Some("Alice Smith")), ("bob", None)]);
        assert_eq!(
            s.suggest("alice_smith"),
            Some(Suggestion {
                name: "asmith".into(),
                by_title: true
            })
        );
        assert_eq!(
            title_key("Chief Information Security Officer (CISO)").as_deref(),
            Some("chief_information_security_officer_ciso")
        );
    }

    #[test]
    fn long_words_get_no_suggestion() {
        let long = "a".repeat(MAX_LEN + 1);
        assert_eq!(suggest(&long, [long.as_str()]), None);
        assert_eq!(Suggester::new([("ab", None)]).suggest(&long), None);
    }

    #[test]
    fn listing_says_how_many_more() {
        let items = ["a", "b", "c", "d", "e", "f", "g", "h"];
        assert_eq!(listing(items), "`a`, `b`, `c`, `d`, `e`, `f` and 2 more");
        assert_eq!(listing(["a"]), "`a`");
    }
}
