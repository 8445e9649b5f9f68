//! A declaration's header, and its block sorted out by the schema: properties (unknown ones,
//! repeats, misplaced blocks and conditions reported here, once) and nested declarations.

use super::literal::{describe, name_problem};
use super::{Head, Loose, Lower};
use crate::diagnostics::{Code, Diagnostic, backticked, suggest};
use crate::model::schema::{self, DeclSpec, Kind, Prop};
use crate::model::value::Text;
use crate::model::vocab::Group;
use crate::source::Span;
use crate::syntax::tree::{Arg, ArgKind, Entry};

/// A declaration's header: `KEYWORD [name] ["title"] rest..`.
pub struct Header<'t> {
    pub name: Option<Span>,
    pub title: Option<Text>,
    pub rest: &'t [Arg],
}

impl Lower<'_> {
    /// Reads a header, and registers the element's definition in the fragment's heads:
    /// returns its local id.
    pub fn head<'t>(
        &mut self,
        spec: &DeclSpec,
        e: &'t Entry,
        parent: Option<u32>,
    ) -> (u32, Header<'t>) {
        let h = self.header(spec, e);
        let id = self.heads.len() as u32;
        self.heads.push(Head {
            kind: spec.kind,
            keyword: e.key,
            name: h.name,
            title: h.title.clone(),
            span: e.span,
            doc: e.doc,
            parent,
            meta: None,
        });
        (id, h)
    }

    /// The header of a declaration, checked: a name where one is required, a title, and
    /// nothing else (reported here).
    pub fn header<'t>(&mut self, spec: &DeclSpec, e: &'t Entry) -> Header<'t> {
        // Open values in the header (a placeholder in the title) belong to its key word.
        self.key = e.key;
        let mut i = 0;
        let mut name = None;
        match e.args.first() {
            Some(a) if a.is_atom() && !self.is_typographic_quote(a) => {
                let w = self.text(a.span);
                if w.contains('.') && w.split('.').all(super::literal::is_name) {
                    self.report(
                        Diagnostic::new(
                            Code::BadHeader,
                            a.span,
                            format!("`{w}` is not a valid name"),
                        )
                        .label("a name has no `.`")
                        .help("use letters, digits and `_`, e.g. `incident_manager`"),
                    );
                    self.refused.push(a.span);
                } else if let Some(b) = name_problem(w) {
                    self.report(
                        Diagnostic::new(b.code, a.span, b.message)
                            .label(b.label)
                            .help(b.help),
                    );
                    self.refused.push(a.span);
                } else if matches!(w, "when" | "and" | "or" | "not" | "in" | "tbd") {
                    self.refused.push(a.span);
                    self.report(
                        Diagnostic::new(
                            Code::ReservedName,
                            a.span,
                            if w == "tbd" {
                                "`tbd` marks a value not stated, not a free name".to_string()
                            } else {
                                format!("`{w}` is a word of conditions, not a free name")
                            },
                        )
                        .label(if w == "tbd" {
                            "reserved for values left open"
                        } else {
                            "reserved for conditions"
                        })
                        .help(format!(
                            "{} could not tell the name from the word: name this {} differently, e.g. `{w}_{}`",
                            if w == "tbd" { "a value" } else { "a condition" },
                            spec.kind.noun(),
                            spec.keyword
                        )),
                    );
                } else if Group::from_word(w).is_some() {
                    self.refused.push(a.span);
                    self.report(
                        Diagnostic::new(
                            Code::ReservedName,
                            a.span,
                            format!("`{w}` is a group of the language, not a free name"),
                        )
                        .label("reserved for audiences")
                        .help(format!(
                            "in an audience, `{w}` means the group; name this {} differently, e.g. `{w}_{}`",
                            spec.kind.noun(),
                            spec.keyword
                        )),
                    );
                } else {
                    name = Some(a.span);
                }
                i = 1;
            }
            Some(a) if matches!(a.kind, ArgKind::Placeholder) => {
                self.placeholder(a);
                i = 1;
            }
            _ if spec.name == schema::NameRule::Required => {
                let at = e.args.first().map_or(e.key, |a| a.span);
                let found = e.args.first().map(|a| self.describe(a));
                self.report(
                    Diagnostic::new(
                        Code::BadHeader,
                        at,
                        format!("`{}` needs a name", spec.keyword),
                    )
                    .label(match found {
                        Some(f) => format!("expected a name, found {f}"),
                        None => "expected a name after this".to_string(),
                    })
                    .help(format!(
                        "write `{} NAME \"Title\" {{ .. }}`, e.g. a short word such as `{}`",
                        spec.keyword,
                        example_name(spec.keyword)
                    )),
                );
            }
            _ => {}
        }
        let mut title = None;
        if let Some(a) = e.args.get(i) {
            match a.kind {
                ArgKind::Str | ArgKind::TextBlock => {
                    title = self.text_of(a);
                    i += 1;
                }
                ArgKind::Placeholder => {
                    self.placeholder(a);
                    i += 1;
                }
                ArgKind::Atom if self.is_typographic_quote(a) => {
                    let (t, used) = self.typographic(&e.args[i..]);
                    title = t;
                    i += used;
                }
                _ => {}
            }
        }
        Header {
            name,
            title,
            rest: &e.args[i..],
        }
    }

    /// What an argument is, in words, for messages ("found a duration").
    pub fn describe(&self, a: &Arg) -> &'static str {
        match a.kind {
            ArgKind::Atom => describe(self.text(a.span)),
            _ => a.describe(),
        }
    }

    /// Reports header arguments nothing consumed.
    pub fn no_rest(&mut self, spec: &DeclSpec, rest: &[Arg]) {
        if let (Some(first), Some(last)) = (rest.first(), rest.last()) {
            let found = self.describe(first);
            self.report(
                Diagnostic::new(
                    Code::BadHeader,
                    first.span.join(last.span),
                    format!(
                        "the header of `{}` has more than a name and a title",
                        spec.keyword
                    ),
                )
                .label(format!("found {found} here, expected `{{`"))
                .help(format!(
                    "a header is `{} NAME \"Title\"`; properties go inside `{{ .. }}`, one per line",
                    spec.keyword
                )),
            );
        }
    }
}

fn example_name(keyword: &str) -> &'static str {
    match keyword {
        "person" => "alice",
        "role" => "ciso",
        "team" => "isirt",
        "procedure" => "ransomware_response",
        "level" => "sev1",
        _ => "main",
    }
}

/// One declaration's properties and child declarations, sorted out.
pub struct Bag<'t> {
    pub props: Vec<(&'static Prop, &'t Entry)>,
    pub children: Vec<(&'static DeclSpec, &'t Entry)>,
}

impl<'t> Bag<'t> {
    pub fn first(&self, key: &str) -> Option<&'t Entry> {
        self.props
            .iter()
            .find(|(p, _)| p.key == key)
            .map(|(_, e)| *e)
    }

    pub fn all<'k>(&'k self, key: &'k str) -> impl Iterator<Item = &'t Entry> + 'k {
        self.props
            .iter()
            .filter(move |(p, _)| p.key == key)
            .map(|(_, e)| *e)
    }

    pub fn has(&self, key: &str) -> bool {
        self.first(key).is_some()
    }
}

impl Lower<'_> {
    /// Sorts a declaration's block by its schema.
    pub fn bag<'t>(&mut self, spec: &'static DeclSpec, e: &'t Entry) -> Bag<'t> {
        let mut bag = Bag {
            props: Vec::new(),
            children: Vec::new(),
        };
        // What did not parse in the block: its names are not reported unknown or unused.
        for n in e.block.iter().flat_map(|b| &b.nodes) {
            if let crate::syntax::tree::Node::Error(span) = n {
                self.errors.push(*span);
            }
        }
        for c in e.children() {
            let key = self.text(c.key);
            if let Some(child) = schema::decl(key, Some(spec.kind)).filter(|c| {
                // Options belong to decisions (and overrides of them) only.
                c.keyword != "option" || matches!(spec.keyword, "decision" | "override")
            }) {
                if let Some(w) = c.when.as_ref().filter(|_| child.keyword != "option") {
                    self.report(
                        Diagnostic::new(
                            Code::MisplacedCondition,
                            w.cond.span,
                            format!("`{}` takes no `when` condition", child.keyword),
                        )
                        .label("unexpected condition")
                        .help("put the condition inside the block, on the property it governs (`when` in a level is its criteria)"),
                    );
                }
                bag.children.push((child, c));
                continue;
            }
            let Some(prop) = self.prop_of(spec, c) else {
                self.unknown(spec, c);
                continue;
            };
            if prop.key == "when" && !c.is_when() {
                self.no_condition(c);
                continue;
            }
            if let Some(d) = c.doc {
                self.prop_docs.push((c.key, d));
            }
            if !prop.repeat
                && let Some((_, first)) = bag.props.iter().find(|(p, _)| p.key == prop.key)
            {
                let d = Diagnostic::new(
                    Code::RepeatedProperty,
                    c.key,
                    format!("`{key}` is given twice"),
                )
                .label("given again here")
                .with_secondary(first.key, "first given here")
                .help(format!("`{key}` takes one value: keep one of the two"));
                self.report(d);
                self.loose_names(c, prop.shape.ref_kinds().unwrap_or(&[]));
                continue;
            }
            if let Some(block) = &c.block {
                self.report(
                    Diagnostic::new(
                        Code::MisplacedBlock,
                        block.span(),
                        format!("`{key}` takes no block"),
                    )
                    .label("unexpected block")
                    .help(format!("`{key}` expects {}", prop.shape.form())),
                );
            }
            if let Some(w) = &c.when
                && !prop.when
                && !c.is_when()
            {
                self.report(
                    Diagnostic::new(
                        Code::MisplacedCondition,
                        w.cond.span,
                        format!("`{key}` takes no `when` condition"),
                    )
                    .label("unexpected condition")
                    .help("conditions go on criteria, triggers, hops, options and updates; see docs/language.md"),
                );
            }
            bag.props.push((prop, c));
        }
        bag
    }

    /// `when` with no condition after it: a placeholder (`when {{TRIGGER}}`), nothing, or
    /// a value that is not a condition.
    fn no_condition(&mut self, c: &Entry) {
        match c.args.first() {
            Some(a) if matches!(a.kind, ArgKind::Placeholder) => self.placeholder(a),
            first => {
                let (span, label) = match first {
                    Some(a) => (a.span, format!("found {}", self.describe(a))),
                    None => (c.key, "no condition".to_string()),
                };
                self.report(
                    Diagnostic::new(Code::BadValue, span, "`when` expects a condition")
                        .label(label)
                        .help("write the condition after `when`: `when financial >= 3`, `when category in [ransomware]`"),
                );
            }
        }
    }

    /// The property an entry is, by its key (`when` entries are the `when` property).
    fn prop_of(&self, spec: &DeclSpec, c: &Entry) -> Option<&'static Prop> {
        let key = if c.is_when() {
            "when"
        } else {
            self.text(c.key)
        };
        schema::DECLS
            .iter()
            .find(|d| std::ptr::eq(*d, spec))
            .and_then(|d| d.prop(key))
    }

    fn unknown(&mut self, spec: &DeclSpec, e: &Entry) {
        let key = self.text(e.key);
        let candidates = spec
            .props
            .iter()
            .map(|p| p.key)
            .chain(schema::keywords(Some(spec.kind)));
        let stripped = key.trim_end_matches([':', '=']);
        let help = if stripped != key && spec.prop(stripped).is_some() {
            "write a property as a key word followed by its value, without `=` or `:`, e.g. `owner ciso`".to_string()
        } else if !key.is_ascii() {
            "key words are written in ASCII letters: see the properties in docs/language.md"
                .to_string()
        } else if schema::decl(key, None).is_some() {
            format!("`{key}` is a declaration of its own: move it to the top level of the file")
        } else if let Some(s) = suggest(key, candidates) {
            format!("did you mean `{s}`?")
        } else if let Some(home) = schema::home_of(key) {
            home
        } else {
            format!(
                "the properties of `{}` are {}",
                spec.keyword,
                backticked(spec.props.iter().map(|p| p.key), ", ")
            )
        };
        self.report(
            Diagnostic::new(
                Code::UnknownProperty,
                e.key,
                format!("unknown property `{key}` in `{}`", spec.keyword),
            )
            .label("not a property of this declaration")
            .help(help),
        );
        // Whatever it names is used: its key word is what is wrong.
        self.loose_names(e, &[]);
    }

    /// Records every name an entry's arguments mention as a loose reference of `kinds`
    /// (none: only marked used).
    pub fn loose_names(&mut self, e: &Entry, kinds: &'static [Kind]) {
        let mut spans = Vec::new();
        super::words(e, &mut spans);
        for span in spans {
            if super::literal::is_name(self.text(span)) {
                self.loose.push(Loose {
                    span,
                    kinds,
                    quoted: None,
                });
            }
        }
    }
}
