//! Levels and silences applied to a policy's findings, after the checks ran and before the
//! findings are sorted and capped.
//!
//! Levels first: `allow` drops a code's findings, `warn` and `deny` set their level. Then
//! silences: a finding whose primary span starts on a silence's line, of a code it names, is
//! dropped and counted as silenced. Then the findings about the silences themselves (IMP1602,
//! IMP1603, IMP1604), to which levels apply too.

use crate::diagnostics::{Code, Diagnostic, Level};
use crate::model::Map;
use crate::source::{FileId, SourceMap};
use crate::syntax::silence::Silence;

use super::{Levels, Setting, may_silence};

/// Sets the levels of findings, and drops those allowed.
pub fn levels(diags: &mut Vec<Diagnostic>, levels: &Levels) {
    if levels.is_empty() {
        return;
    }
    diags.retain_mut(|d| match levels.get(&d.code) {
        Some(Setting::Allow) => false,
        Some(Setting::Warn) => {
            d.level = Level::Warning;
            true
        }
        Some(Setting::Deny) => {
            d.level = Level::Error;
            true
        }
        None => true,
    });
}

/// Applies the silences to the findings; returns how many findings they silenced. `ran` says
/// whether the findings of a code were looked for at all (a check not selected was not, nor
/// a code that `levels` allows): a silence of such a code that silences nothing is not
/// reported.
pub fn silences(
    diags: &mut Vec<Diagnostic>,
    silences: &[Silence],
    sources: &SourceMap,
    levels: &Levels,
    ran: impl Fn(Code) -> bool,
) -> usize {
    if silences.is_empty() {
        return 0;
    }
    // What each silence's codes are; (file, line, code) to the silences' entries.
    let mut entries: Vec<Vec<Option<Code>>> = Vec::with_capacity(silences.len());
    let mut at: Map<(FileId, u32, Code), Vec<(usize, usize)>> = Map::default();
    let mut found = Vec::new();
    for (i, s) in silences.iter().enumerate() {
        let file = sources.file_of(s.directive).id;
        let mut codes = Vec::with_capacity(s.codes.len());
        for (j, &span) in s.codes.iter().enumerate() {
            let text = sources.slice(span);
            let code = Code::parse(text).filter(|_| text.len() == 7);
            let Some(code) = code else {
                found.push(
                    Diagnostic::new(
                        Code::MalformedSilence,
                        span,
                        format!("`{text}` is not a diagnostic code"),
                    )
                    .label("not a code")
                    .help(super::code_help(
                        text,
                        "a silence names the codes of the findings it silences",
                    )),
                );
                codes.push(None);
                continue;
            };
            if let Err(why) = may_silence(code) {
                found.push(
                    Diagnostic::new(
                        Code::MalformedSilence,
                        span,
                        format!("`{code}` cannot be silenced"),
                    )
                    .label("cannot be silenced")
                    .help(format!("`{code}` {why}")),
                );
                codes.push(None);
                continue;
            }
            codes.push(Some(code));
            if let Some(line) = s.line {
                at.entry((file, line, code)).or_default().push((i, j));
            }
        }
        entries.push(codes);
    }
    let mut used: Vec<Vec<bool>> = silences
        .iter()
        .map(|s| vec![false; s.codes.len()])
        .collect();
    let mut silenced = 0;
    if !at.is_empty() {
        diags.retain(|d| {
            let f = sources.file_of(d.primary.span);
            let line = f.line_of(f.offset(d.primary.span.lo)) as u32;
            match at.get(&(f.id, line, d.code)) {
                Some(hits) => {
                    for &(i, j) in hits {
                        used[i][j] = true;
                    }
                    silenced += 1;
                    false
                }
                None => true,
            }
        });
    }
    for (i, s) in silences.iter().enumerate() {
        let named: Vec<String> = s
            .codes
            .iter()
            .map(|c| format!("`{}`", sources.slice(*c)))
            .collect();
        if s.reason.is_none_or(|r| sources.slice(r).trim().is_empty()) {
            found.push(
                Diagnostic::new(
                    Code::SilenceWithoutReason,
                    s.directive,
                    format!("silence of {} without a reason", named.join(", ")),
                )
                .label("no reason given")
                .help(format!(
                    "say why the finding does not apply, in double quotes after the codes: `# imp: allow {} \"...\"`; whoever reads the policy next, an auditor too, needs to know",
                    s.codes.first().map_or("IMP0000", |c| sources.slice(*c))
                )),
            );
        }
        for (j, code) in entries[i].iter().enumerate() {
            let Some(code) = *code else { continue };
            if used[i][j] || !ran(code) || levels.get(&code) == Some(&Setting::Allow) {
                continue;
            }
            let label = match s.line {
                Some(l) => format!("no `{code}` finding on line {}", l + 1),
                None => "no line follows it".to_string(),
            };
            found.push(
                Diagnostic::new(
                    Code::UselessSilence,
                    s.codes[j],
                    format!("silence of `{code}` silences nothing"),
                )
                .label(label)
                .help("remove it (the finding is gone), or move it: a silence applies to the findings on its own line or, alone on its line, on the next line of the policy"),
            );
        }
    }
    self::levels(&mut found, levels);
    diags.extend(found);
    silenced
}

#[cfg(test)]
mod tests {
    use crate::check::{Options, check_sources};
    use crate::config::{Levels, Setting};
    use crate::diagnostics::Code;

    /// The findings of a text, reading it only (`only` empty) or with checks `only`.
    fn check(text: &str, levels: Levels, only: Vec<Code>) -> (Vec<String>, usize) {
        let options = if only.is_empty() {
            Options::reading_only()
        } else {
            Options::default()
        };
        let a = check_sources(
            &[("t.imp", text)],
            Options {
                jobs: 1,
                levels,
                only,
                ..options
            },
        );
        let found = a
            .diagnostics
            .iter()
            .map(|d| {
                let (line, _) = a
                    .sources
                    .file_of(d.primary.span)
                    .line_col_at(d.primary.span.lo);
                format!("{line}: {} {} {}", d.code, d.level.as_str(), d.message)
            })
            .collect();
        (found, a.silenced)
    }

    const UNUSED: &str = "person dana \"Dana\" { email \"dana@example.org\" }\n";

    #[test]
    fn levels_drop_lower_and_raise() {
        let (found, _) = check(UNUSED, Levels::new(), vec![]);
        assert_eq!(
            found,
            ["1: IMP0404 warning person `dana` is never referenced"]
        );
        let allow = Levels::from([(Code::Unused, Setting::Allow)]);
        assert!(check(UNUSED, allow, vec![]).0.is_empty());
        let deny = Levels::from([(Code::Unused, Setting::Deny)]);
        assert_eq!(
            check(UNUSED, deny, vec![]).0,
            ["1: IMP0404 error person `dana` is never referenced"]
        );
    }

    #[test]
    fn a_silence_silences_its_line_and_says_what_is_wrong_with_it() {
        let text = format!("# imp: allow IMP0404 \"on the rota from January\"\n{UNUSED}");
        let (found, silenced) = check(&text, Levels::new(), vec![]);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(silenced, 1);
        let text = format!("{}  # imp: allow IMP0404, IMP0406\n", UNUSED.trim_end());
        let (found, silenced) = check(&text, Levels::new(), vec![]);
        assert_eq!(silenced, 1);
        assert_eq!(
            found,
            [
                "1: IMP1602 warning silence of `IMP0404`, `IMP0406` without a reason",
                "1: IMP1603 warning silence of `IMP0406` silences nothing",
            ]
        );
        let text = format!("# imp: allow IMP0401, IMP9999, IMP1603 \"x\"\n{UNUSED}");
        let (found, _) = check(&text, Levels::new(), vec![]);
        assert_eq!(
            found,
            [
                "1: IMP1604 warning `IMP0401` cannot be silenced",
                "1: IMP1604 warning `IMP9999` is not a diagnostic code",
                "1: IMP1604 warning `IMP1603` cannot be silenced",
                "2: IMP0404 warning person `dana` is never referenced",
            ]
        );
    }

    #[test]
    fn a_silence_of_a_check_not_run_or_allowed_is_not_reported() {
        let text = format!("# imp: allow IMP0802 \"x\"\n# imp: allow IMP0406 \"y\"\n{UNUSED}");
        let allow = Levels::from([(Code::ListedTwice, Setting::Allow)]);
        let (found, _) = check(&text, allow, vec![]);
        assert_eq!(
            found,
            ["3: IMP0404 warning person `dana` is never referenced"]
        );
        // Selected, the check ran and found nothing; `--only` drops the warnings of reading,
        // so that of IMP0406 is not reported.
        let (found, _) = check(&text, Levels::new(), vec![Code::RoleWithoutBackup]);
        assert_eq!(
            found,
            ["1: IMP1603 warning silence of `IMP0802` silences nothing"]
        );
        let (found, _) = check(&text, Levels::new(), vec![]);
        assert_eq!(
            found,
            [
                "2: IMP1603 warning silence of `IMP0406` silences nothing",
                "3: IMP0404 warning person `dana` is never referenced",
            ]
        );
        // Levels apply to the findings about silences too.
        let deny = Levels::from([(Code::UselessSilence, Setting::Deny)]);
        let (found, _) = check(&text, deny, vec![Code::RoleWithoutBackup]);
        assert!(found[0].starts_with("1: IMP1603 error"), "{found:?}");
    }
}
