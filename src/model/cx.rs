//! The lowering context: the namespace, reference resolution and diagnostics shared by every
//! declaration's lowering.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::schema::{Kind, kinds_phrase};
use super::types::{LevelRef, Ref};
use crate::diagnostics::{Code, Diagnostic, backticked, did_you_mean, suggest};
use crate::source::Span;

/// A top-level name (or a nested category).
#[derive(Debug, Clone)]
pub struct Symbol {
    pub kind: Kind,
    pub span: Span,
}

/// A scale's levels, most severe first.
#[derive(Debug, Clone, Default)]
pub struct ScaleInfo {
    pub levels: Vec<String>,
    pub default: bool,
}

#[derive(Debug, Default)]
pub struct Cx {
    pub names: HashMap<String, Symbol>,
    /// Names in declaration order, for deterministic iteration.
    pub order: Vec<String>,
    pub scales: BTreeMap<String, ScaleInfo>,
    /// The levels each impact declares.
    pub impact_levels: HashMap<String, Vec<u32>>,
    pub used: HashSet<String>,
    /// Names that declarations which failed to parse seem to declare: never reported unknown.
    pub unparsed: HashSet<String>,
    /// A `use`d file is missing: unknown names may be declared there, and are not reported.
    pub missing_file: bool,
    pub diags: Vec<Diagnostic>,
}

impl Cx {
    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Registers a name; a second definition is reported with both places.
    /// Registers a name; a second definition is reported with both places, and `false`
    /// returned.
    pub fn define(&mut self, name: &str, kind: Kind, span: Span) -> bool {
        if let Some(first) = self.names.get(name) {
            let d = Diagnostic::new(
                Code::DuplicateName,
                span,
                format!("`{name}` is defined twice"),
            )
            .label(format!("second definition, as {}", kind.article()))
            .with_secondary(
                first.span,
                format!("first defined here, as {}", first.kind.article()),
            )
            .help("names are shared by every declaration of a policy: rename one of them");
            self.report(d);
            return false;
        }
        self.names.insert(name.to_string(), Symbol { kind, span });
        self.order.push(name.to_string());
        true
    }

    /// Resolves a name to a declaration of one of `kinds`.
    pub fn resolve(&mut self, name: &str, span: Span, kinds: &[Kind]) -> Option<Ref> {
        match self.names.get(name) {
            Some(sym) if kinds.contains(&sym.kind) => {
                let kind = sym.kind;
                self.used.insert(name.to_string());
                Some(Ref {
                    name: name.to_string(),
                    kind,
                    span,
                })
            }
            Some(sym) => {
                let (found, at) = (sym.kind, sym.span);
                self.used.insert(name.to_string());
                let d = Diagnostic::new(
                    Code::WrongKind,
                    span,
                    format!(
                        "`{name}` is {}, not {}",
                        found.article(),
                        kinds_phrase(kinds)
                    ),
                )
                .label(format!("expected {}", kinds_phrase(kinds)))
                .with_secondary(
                    at,
                    format!("`{name}` is defined here as {}", found.article()),
                )
                .help(self.hint(name, kinds));
                self.report(d);
                None
            }
            None if self.unparsed.contains(name) => None,
            None => {
                let d = Diagnostic::new(Code::UnknownName, span, format!("unknown name `{name}`"))
                    .label(format!("expected {}", kinds_phrase(kinds)))
                    .help(self.hint(name, kinds));
                self.report(d);
                None
            }
        }
    }

    /// "did you mean `alice`?", from names of the accepted kinds first. The suggested name
    /// counts as used: it is what the author meant, so it gets no "never referenced" warning.
    fn hint(&mut self, name: &str, kinds: &[Kind]) -> String {
        let of_kind = self
            .order
            .iter()
            .filter(|n| kinds.contains(&self.names[n.as_str()].kind))
            .map(String::as_str);
        if let Some(s) = suggest(name, of_kind) {
            let s = s.to_string();
            let help = format!("did you mean `{s}`?");
            self.used.insert(s);
            return help;
        }
        let listed: Vec<String> = self
            .order
            .iter()
            .filter(|n| kinds.contains(&self.names[n.as_str()].kind))
            .take(6)
            .cloned()
            .collect();
        let exists = self.names.contains_key(name);
        match (listed.is_empty(), exists) {
            (true, false) => format!("declare {} named `{name}`", kinds_phrase(kinds)),
            (true, true) => format!(
                "{} is expected here, and none is declared yet",
                kinds_phrase(kinds)
            ),
            (false, _) => format!(
                "it may name {}: {}",
                kinds_phrase(kinds),
                backticked(&listed, ", ")
            ),
        }
    }

    /// Resolves `sev2` (in the scale that has it, or the default scale) or `severity.sev2`.
    pub fn level(&mut self, text: &str, span: Span, scale_hint: Option<&str>) -> Option<LevelRef> {
        let (scale, level) = match text.split_once('.') {
            Some((s, l)) => {
                if !self.scales.contains_key(s) {
                    self.resolve(s, span, &[Kind::Scale]);
                    return None;
                }
                self.used.insert(s.to_string());
                (s.to_string(), l.to_string())
            }
            None => {
                let level = text.to_string();
                let scale = match scale_hint {
                    Some(s) => s.to_string(),
                    None => {
                        let with: Vec<&String> = self
                            .scales
                            .iter()
                            .filter(|(_, info)| info.levels.contains(&level))
                            .map(|(n, _)| n)
                            .collect();
                        match with.as_slice() {
                            [one] => (*one).clone(),
                            [] if self.missing_file || self.unparsed.contains(&level) => {
                                return None;
                            }
                            [] => {
                                let all = self
                                    .scales
                                    .values()
                                    .flat_map(|i| i.levels.iter().map(String::as_str));
                                let help = match suggest(&level, all) {
                                    Some(s) => format!("did you mean `{s}`?"),
                                    None => "name a level declared in a `scale`".to_string(),
                                };
                                self.report(
                                    Diagnostic::new(
                                        Code::UnknownName,
                                        span,
                                        format!("unknown level `{level}`"),
                                    )
                                    .label("no scale has this level")
                                    .help(help),
                                );
                                return None;
                            }
                            many => {
                                let default = many
                                    .iter()
                                    .find(|s| self.scales[s.as_str()].default)
                                    .map(|s| (*s).clone());
                                match default {
                                    Some(d) => d,
                                    None => {
                                        let names: Vec<String> =
                                            many.iter().map(|s| format!("`{s}.{level}`")).collect();
                                        self.report(
                                            Diagnostic::new(
                                                Code::AmbiguousLevel,
                                                span,
                                                format!(
                                                    "level `{level}` is in more than one scale"
                                                ),
                                            )
                                            .label("which scale?")
                                            .help(
                                                format!(
                                                    "write {}, or mark one scale `default`",
                                                    names.join(" or ")
                                                ),
                                            ),
                                        );
                                        return None;
                                    }
                                }
                            }
                        }
                    }
                };
                self.used.insert(scale.clone());
                (scale, level)
            }
        };
        let info = self.scales.get(&scale)?;
        match info.levels.iter().position(|l| *l == level) {
            Some(rank) => Some(LevelRef {
                scale,
                level,
                rank,
                span,
            }),
            None => {
                let help = did_you_mean(
                    &level,
                    info.levels.iter().map(String::as_str),
                    &format!("the levels of `{scale}` are"),
                );
                self.report(
                    Diagnostic::new(
                        Code::UnknownName,
                        span,
                        format!("scale `{scale}` has no level `{level}`"),
                    )
                    .label("unknown level")
                    .help(help),
                );
                None
            }
        }
    }
}
