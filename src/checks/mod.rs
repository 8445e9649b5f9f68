//! The checks of a scheme: completeness against the ISO/IEC TR 18044 / 27035 model, and
//! consistency. One family a file, each check a function of its family with its own code (a
//! group of codes per family, see [`crate::diagnostics::codes`]) documented in
//! `docs/diagnostics.md`.
//!
//! A check reads only the [`Model`] and the [`Index`] (through [`Context`]), does no I/O, and
//! names every element it talks about through the index (its name's span as the label).
//!
//! # What a check may assume of a model with errors
//!
//! Resolution leaves a model even when the policy has errors. A check:
//! - treats an unresolved reference (`Ref::target` is `None`, already reported) as unknown,
//!   never as absent: it says nothing that depends on what the reference would have named;
//! - treats a property left open (`tbd`, `{{NAME}}`, already a warning) as stated: "not
//!   stated yet" is not "missing";
//! - when any file has an error of reading (codes `00` to `03`: a declaration may have been
//!   lost; or IMP0402, a duplicate left out of the model), does not report that the scheme *lacks* something ([`Context::may_lack`] is false):
//!   the missing declaration may be the one that did not parse;
//! - reports only what it finds in declarations as they were read, never a consequence of
//!   another finding.

mod criteria;
mod evidence;
mod flow;
mod hours;
mod hygiene;
mod obligations;
mod policy;
mod procedures;
mod reach;
mod reporting;
mod roles;
mod severity;
mod time;
mod timing;
mod training;

use crate::diagnostics::{Code, Diagnostic, Level};
use crate::index::Index;
use crate::model::{DeclId, Model, Team, TeamId};
use crate::source::{SourceMap, Span};

pub use time::Bounds;

/// What the checks are told beyond the policy: `imp.yaml` and the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The day the checks take as today: dates before it are in the past.
    pub as_of: jiff::civil::Date,
    /// The functions the organisation considers mandatory (IMP0703).
    pub mandatory: Vec<Mandatory>,
    /// Targets a level that gives none is taken to have (`default_targets`).
    pub default_targets: DefaultTargets,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            as_of: jiff::tz::TimeZone::UTC
                .to_datetime(jiff::Timestamp::now())
                .date(),
            mandatory: Mandatory::defaults(),
            default_targets: DefaultTargets::default(),
        }
    }
}

/// A mandatory role: one of the functions of TR 18044, found by its rule (see [`Function`])
/// unless `imp.yaml` names what fills it, or any other name `imp.yaml` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mandatory {
    /// As `imp.yaml` writes it: `isirt_lead`, or the organisation's own (`privacy_officer`).
    pub key: String,
    pub function: Option<Function>,
    /// The declaration that fills it, when `imp.yaml` names one: it must exist.
    pub name: Option<String>,
}

impl Mandatory {
    /// The four functions of TR 18044 7.5, each found by its rule.
    pub fn defaults() -> Vec<Mandatory> {
        Function::ALL
            .iter()
            .map(|f| Mandatory {
                key: f.as_str().to_string(),
                function: Some(*f),
                name: None,
            })
            .collect()
    }
}

/// A function a scheme must fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Function {
    /// A `point_of_contact` that someone staffs.
    PointOfContact,
    /// The lead of the ISIRT: a team named `isirt`, or titled as an incident response team,
    /// with a `lead`.
    IsirtLead,
    /// A management decision-maker: a role or person that decides the most severe level.
    DecisionMaker,
    /// A crisis lead: the decider of a level marked `crisis`, or the lead of a crisis team.
    CrisisLead,
}

impl Function {
    pub const ALL: &'static [Function] = &[
        Function::PointOfContact,
        Function::IsirtLead,
        Function::DecisionMaker,
        Function::CrisisLead,
    ];

    /// As `imp.yaml` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Function::PointOfContact => "point_of_contact",
            Function::IsirtLead => "isirt_lead",
            Function::DecisionMaker => "decision_maker",
            Function::CrisisLead => "crisis_lead",
        }
    }

    pub fn parse(s: &str) -> Option<Function> {
        Function::ALL.iter().copied().find(|f| f.as_str() == s)
    }

    /// In words, for messages: "the scheme has no ISIRT lead".
    pub fn words(self) -> &'static str {
        match self {
            Function::PointOfContact => "point of contact",
            Function::IsirtLead => "ISIRT lead",
            Function::DecisionMaker => "management decision-maker",
            Function::CrisisLead => "crisis lead",
        }
    }
}

/// `default_targets` of `imp.yaml`, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultTargets {
    pub acknowledge: Option<u64>,
    pub contain: Option<u64>,
    pub resolve: Option<u64>,
}

/// What a check sees.
pub struct Context<'a> {
    pub model: &'a Model,
    pub index: &'a Index,
    pub sources: &'a SourceMap,
    pub config: &'a Config,
    /// No file has an error of reading (codes `00` to `03`): what is not in the model is not
    /// in the policy.
    pub may_lack: bool,
    /// The spans of the errors of reading, sorted: a declaration with one inside may have
    /// lost a property.
    errors: Vec<Span>,
    /// Every step of every procedure, as the checks of procedures read them: worked out
    /// once, for the three families that read them ([`Context::steps`]).
    steps: procedures::Steps<'a>,
}

impl<'a> Context<'a> {
    /// Every step of every procedure, with the steps that overrides and `extends` make.
    fn steps(&self) -> &procedures::Steps<'a> {
        &self.steps
    }

    /// The name of an element, as written (its key word for one without a name).
    pub fn name(&self, id: DeclId) -> &'a str {
        let d = self.index.def(id);
        self.sources.slice(d.name.unwrap_or(d.keyword))
    }

    /// Where a finding about an element points: its name, or its key word.
    pub fn head(&self, id: DeclId) -> Span {
        let d = self.index.def(id);
        d.name.unwrap_or(d.keyword)
    }

    /// The key word that declared an element: `role`, `level`.
    pub fn keyword(&self, id: DeclId) -> &'a str {
        self.sources.slice(self.index.def(id).keyword)
    }

    /// `` role `ciso` ``, for messages.
    pub fn describe(&self, id: DeclId) -> String {
        format!("{} `{}`", self.keyword(id), self.name(id))
    }

    /// The text of a span.
    pub fn text(&self, span: Span) -> &'a str {
        self.sources.slice(span)
    }

    /// Whether the element's own property `key` is left open (`tbd`, `{{NAME}}`): stated as
    /// "not yet", so not missing. A value left open in an element nested in it (a step of a
    /// procedure, a level of a scale) is that element's, not this one's.
    pub fn is_open(&self, id: DeclId, key: &str) -> bool {
        let span = self.index.def(id).span;
        let open = &self.model.open;
        let from = open.partition_point(|o| o.span.lo < span.lo);
        open[from..]
            .iter()
            .take_while(|o| o.span.lo < span.hi)
            .filter(|o| self.sources.slice(o.key) == key)
            .any(|o| {
                let file = self.sources.file_of(o.key);
                let at = self
                    .index
                    .at(self.sources, file.id, (o.key.lo - file.base) as usize);
                at.element == Some(id)
            })
    }

    /// Whether an element was read without an error inside it: only then may a check say
    /// that it lacks a property (the line that gave it may be the one that did not parse).
    pub fn read_cleanly(&self, id: DeclId) -> bool {
        let span = self.index.def(id).span;
        let i = self.errors.partition_point(|e| e.lo < span.lo);
        self.errors.get(i).is_none_or(|e| e.lo >= span.hi)
    }

    /// Whether a property is missing from an element: not given, not left open, and the
    /// element read cleanly.
    pub fn lacks(&self, id: DeclId, given: bool, key: &str) -> bool {
        !given && !self.is_open(id, key) && self.read_cleanly(id)
    }

    /// Whether an element's name or title contains one of `words` (lower case).
    pub fn titled(&self, id: DeclId, words: &[&str]) -> bool {
        let d = self.index.def(id);
        let name = self.name(id).to_ascii_lowercase();
        let title = d
            .title
            .as_ref()
            .map(|t| t.get(self.sources).to_lowercase())
            .unwrap_or_default();
        words.iter().any(|w| name.contains(w) || title.contains(w))
    }

    /// Whether a team has a lead, given or left open.
    pub fn led(&self, t: &Team) -> bool {
        t.lead.is_some() || self.is_open(t.id, "lead")
    }

    /// The teams that are the ISIRT by the rule of [`Function::IsirtLead`]: a team named
    /// `isirt`, or titled as an incident response team, with a lead.
    pub fn isirt_teams(&self) -> impl Iterator<Item = (TeamId, &'a Team)> + '_ {
        self.teams_titled(&["isirt", "csirt", "incident response", "incident management"])
    }

    /// The crisis teams by the rule of [`Function::CrisisLead`]: a team named or titled
    /// `crisis`, with a lead.
    pub fn crisis_teams(&self) -> impl Iterator<Item = (TeamId, &'a Team)> + '_ {
        self.teams_titled(&["crisis"])
    }

    fn teams_titled<'w>(
        &'w self,
        words: &'w [&'w str],
    ) -> impl Iterator<Item = (TeamId, &'a Team)> + 'w {
        self.model
            .teams
            .iter()
            .enumerate()
            .filter(move |(_, t)| self.led(t) && self.titled(t.id, words))
            .map(|(i, t)| (TeamId(i as u32), t))
    }

    /// A finding about an element, at its name.
    pub fn at(&self, code: Code, id: DeclId, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, self.head(id), message)
    }

    /// Where a finding about the scheme as a whole points: the `policy` declaration, or the
    /// start of the first file.
    pub fn scheme_span(&self) -> Span {
        match self.model.policies.first() {
            Some(p) => self.head(p.id),
            None => self
                .sources
                .files()
                .next()
                .map_or(Span::at(0), |f| Span::at(f.base)),
        }
    }
}

/// A family of checks.
type Family = fn(&Context, &mut Vec<Diagnostic>);

/// Every family, in the order of its codes.
const FAMILIES: &[Family] = &[
    policy::run,
    roles::run,
    reporting::run,
    severity::run,
    criteria::run,
    procedures::run,
    evidence::run,
    obligations::run,
    training::run,
    hygiene::run,
    reach::run,
    timing::run,
    hours::run,
    flow::run,
];

/// Runs every check over a resolved policy. `reading` are the findings of reading it.
pub fn run(
    model: &Model,
    index: &Index,
    sources: &SourceMap,
    config: &Config,
    reading: &[Diagnostic],
) -> Vec<Diagnostic> {
    // A declaration lost to an error of reading, or left out as a duplicate (IMP0402), may
    // be the one a check would find missing.
    let may_lack = !reading
        .iter()
        .any(|d| d.level == Level::Error && (d.code.group() <= 3 || d.code == Code::DuplicateName));
    let mut errors: Vec<Span> = reading
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| d.primary.span)
        .collect();
    errors.sort_by_key(|s| (s.lo, s.hi));
    let mut cx = Context {
        model,
        index,
        sources,
        config,
        may_lack,
        errors,
        steps: procedures::Steps::default(),
    };
    cx.steps = procedures::Steps::of(&cx);
    let mut out = Vec::new();
    for family in FAMILIES {
        family(&cx, &mut out);
    }
    debug_assert!(out.iter().all(|d| d.code.is_check()));
    out
}

/// For the tests of each family: the findings of one check on a policy held in memory, as
/// `line: message`, on 2026-12-01.
#[cfg(test)]
pub(crate) fn findings(code: Code, text: &str) -> Vec<String> {
    let config = Config {
        as_of: jiff::civil::date(2026, 12, 1),
        ..Config::default()
    };
    let a = crate::check::check_sources(
        &[("test.imp", text)],
        crate::check::Options {
            jobs: 1,
            checks: Some(config),
            only: vec![code],
            ..crate::check::Options::default()
        },
    );
    a.diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let (line, _) = a
                .sources
                .file_of(d.primary.span)
                .line_col_at(d.primary.span.lo);
            format!("{line}: {}", d.message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::findings;
    use crate::diagnostics::Code;

    #[test]
    fn a_value_left_open_belongs_to_the_element_that_states_it() {
        // The level's `decided_by tbd` is not the scale's, nor the other level's.
        let text = "scale s \"S\" {\n  level a \"A\" { decided_by tbd }\n  level b \"B\" {}\n}\n";
        let found = findings(Code::LevelIncomplete, text);
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("3: ") && f.contains("decider")),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|f| f.starts_with("2: ") && f.contains("decider")),
            "{found:?}"
        );
    }
}
