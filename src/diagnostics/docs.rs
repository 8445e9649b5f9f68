//! The documentation of the codes: docs/diagnostics.md, embedded at build time, so that what
//! `imp explain` prints and what the SARIF format describes always agree with the page.

use super::Code;

/// The diagnostics reference, embedded at build time.
pub const DIAGNOSTICS_MD: &str = include_str!("../../docs/diagnostics.md");

/// Where docs/diagnostics.md is published: the SARIF format links each rule to its section.
pub const DIAGNOSTICS_URL: &str = "https://github.com/imp-policy/imp/blob/main/docs/diagnostics.md";

/// The documentation of a code: its section of docs/diagnostics.md, from its heading to the
/// next, with one final line break.
pub fn section(code: Code) -> Option<String> {
    let heading = format!("## {}", code.as_str());
    let start = DIAGNOSTICS_MD.find(&format!("\n{heading}"))? + 1;
    let rest = &DIAGNOSTICS_MD[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |e| e + heading.len() + 1);
    Some(rest[..end].trim_end().to_string() + "\n")
}

/// The "What it means." paragraph of a code's section, without its label and on one line;
/// `None` while the section has none (a section still to be written).
pub fn meaning(code: Code) -> Option<String> {
    const LABEL: &str = "**What it means.**";
    let section = section(code)?;
    let start = section.find(LABEL)? + LABEL.len();
    let paragraph = section[start..].split("\n\n").next().unwrap_or("");
    let text = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// The anchor of a code's section as GitHub renders the heading: `imp0203-cycle-of-use` for
/// ``## IMP0203: cycle of `use` ``. GitHub lowercases the heading's text, drops every
/// character but letters, digits, `-`, `_` and spaces, and writes each space as `-`.
pub fn anchor(code: Code) -> String {
    let heading = format!("{}: {}", code.as_str(), code.title());
    let mut out = String::with_capacity(heading.len());
    for c in heading.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// The address of a code's section: [`DIAGNOSTICS_URL`] and its [`anchor`].
pub fn url(code: Code) -> String {
    format!("{DIAGNOSTICS_URL}#{}", anchor(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github_headings() {
        assert_eq!(anchor(Code::UseCycle), "imp0203-cycle-of-use");
        assert_eq!(
            anchor(Code::ImpactLevelsOutOfOrder),
            "imp0607-impact-levels-not-numbered-1-2-3-"
        );
        assert_eq!(
            anchor(Code::PolicyIncomplete),
            "imp0701-policy-without-owner-approver-version-or-review-date"
        );
    }

    #[test]
    fn meaning_is_the_first_paragraph_on_one_line() {
        let m = meaning(Code::Unused).expect("IMP0404 is documented");
        assert!(
            m.starts_with("A declaration is never named anywhere else in the policy."),
            "{m}"
        );
        assert!(m.ends_with("refused for another reason."), "{m}");
        assert!(!m.contains('\n'), "{m}");
    }

    #[test]
    fn every_section_is_found() {
        for c in Code::ALL {
            let s = section(*c).expect("every code has a section");
            assert!(s.starts_with(&format!("## {}: {}\n", c, c.title())), "{s}");
        }
    }
}
