//! Lowering, the first half of the model: one item's tree to typed declarations, read by the
//! schema. It needs nothing but the item, so items lower in parallel and each item's tree is
//! dropped as soon as it is lowered. References are left as spans ([`Ref::new`]); the
//! second half, [`resolve`](super::resolve), registers every name and fills them in.
//!
//! What lowering checks: the schema (unknown, repeated and misplaced properties), headers,
//! the form of every literal, and the rules inside one declaration that need no names
//! (cadences, impact level numbering, duplicates among a declaration's own children).

mod bag;
mod condition;
mod decls;
pub mod literal;
mod open;
mod procedure;
mod read;
mod time;

use super::condition::Condition;
use super::decls::*;
use super::procedure::*;
use super::schema::Kind;
use super::value::Text;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, Span};
use crate::syntax::tree::{Entry, Node};

/// The definition of an element, as lowering found it: the index keeps it.
#[derive(Debug, Clone)]
pub struct Head {
    pub kind: Kind,
    pub keyword: Span,
    pub name: Option<Span>,
    pub title: Option<Text>,
    pub span: Span,
    pub doc: Option<Span>,
    /// The enclosing element, as an index into the fragment's heads.
    pub parent: Option<u32>,
    /// Former names, documents and classification, when given.
    pub meta: Option<Box<crate::model::Meta>>,
}

/// One lowered top-level declaration (or `use`, or what could not be read). Boxed: the
/// fragments of a whole policy are alive at once, and declarations differ much in size.
#[derive(Debug)]
pub enum Lowered {
    Organisation(Box<Organisation>),
    Policy(Box<Policy>),
    Person(Box<Person>),
    Role(Box<Role>),
    Team(Box<Team>),
    Calendar(Box<Calendar>),
    Schedule(Box<Schedule>),
    PointOfContact(Box<PointOfContact>),
    Channel(Box<Channel>),
    External(Box<External>),
    Impact(Box<Impact>),
    Scale(Box<Scale>),
    Mapping(Box<Mapping>),
    /// A category and its subcategories, in pre-order.
    Category(Vec<Category>),
    Escalation(Box<Escalation>),
    Procedure(Box<Procedure>),
    Evidence(Box<Evidence>),
    Communications(Box<Communications>),
    Obligation(Box<Obligation>),
    Form(Box<Form>),
    Training(Box<Training>),
    Exercise(Box<Exercise>),
    Review(Box<Review>),
    Moment(Box<Moment>),
    Fact(Box<Fact>),
    Quantity(Box<Quantity>),
    Criteria(Box<Criteria>),
    Enumeration(Box<Enumeration>),
    Region(Box<Region>),
    Metric(Box<Metric>),
    ActionItem(Box<ActionItem>),
    Lifecycle(Box<Lifecycle>),
    Artefact(Box<Artefact>),
    Embargo(Box<Embargo>),
    Scenario(Box<Scenario>),
    /// `use "file.imp"`: the path as written, and the string's span.
    Use {
        path: String,
        span: Span,
    },
    /// A declaration of an unknown kind (reported): its name is not reported unknown, and
    /// the words it mentions are not reported unused.
    Unknown {
        name: Option<Span>,
        words: Vec<Span>,
    },
    /// Text that did not parse (reported).
    Error {
        span: Span,
    },
}

/// A name found where lowering could not use it (a refused value, a repeated property):
/// still looked up, so that it is reported if unknown and counts as used.
#[derive(Debug, Clone)]
pub struct Loose {
    pub span: Span,
    pub kinds: &'static [Kind],
    /// It was written in quotes where a name is expected.
    pub quoted: Option<Quoted>,
}

/// A string where a name is expected: the property's key word and the form it expects.
#[derive(Debug, Clone, Copy)]
pub struct Quoted {
    pub key: &'static str,
    pub form: &'static str,
}

/// An element that lowering left out of the model (a duplicate of a name in the same
/// declaration), still to be checked by resolution.
#[derive(Debug)]
pub enum Piled {
    Level(Box<super::decls::Level>),
    Hop(Box<Hop>),
    Step(Box<Step>),
    Option(Box<DecisionOption>),
    Override(Box<Override>),
    Field(Box<Field>),
    Audience(Box<Audience>),
    /// A condition that lowering dropped (the second `when` of an option).
    Condition(Condition),
}

/// What one top-level node lowers to.
#[derive(Debug)]
pub struct Fragment {
    pub decl: Lowered,
    /// The definitions of the declaration and its nested elements, in pre-order: an
    /// element's `id` is, until registration, its position here.
    pub heads: Vec<Head>,
    /// What most declarations do not have (boxed: a large policy's fragments are alive
    /// at once until resolution).
    pub extra: Option<Box<Extra>>,
}

impl Fragment {
    /// A fragment with nothing but its declaration.
    pub fn bare(decl: Lowered) -> Fragment {
        Fragment {
            decl,
            heads: Vec::new(),
            extra: None,
        }
    }
}

/// The rarer parts of a fragment.
#[derive(Debug, Default)]
pub struct Extra {
    pub loose: Vec<Loose>,
    pub pile: Vec<Piled>,
    /// `##` docs of properties: (key span, doc span).
    pub prop_docs: Vec<(Span, Span)>,
    /// Entries inside the declaration that did not parse (reported).
    pub errors: Vec<Span>,
    /// Names of elements that were refused (reported: not a valid name, a word of the
    /// language): references to them are not reported unknown.
    pub refused: Vec<Span>,
    /// Values left open (`tbd`, placeholders).
    pub open: Vec<crate::model::Open>,
}

/// Everything lowering makes of one item.
#[derive(Debug, Default)]
pub struct LoweredItem {
    pub fragments: Vec<Fragment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The lowering context of one item.
pub(super) struct Lower<'a> {
    pub file: &'a SourceFile,
    pub diags: Vec<Diagnostic>,
    pub heads: Vec<Head>,
    pub loose: Vec<Loose>,
    pub pile: Vec<Piled>,
    pub prop_docs: Vec<(Span, Span)>,
    pub errors: Vec<Span>,
    pub refused: Vec<Span>,
    pub open: Vec<crate::model::Open>,
    /// The key word of the property being read, for the open values in it.
    pub key: Span,
}

impl<'a> Lower<'a> {
    pub fn new(file: &'a SourceFile) -> Lower<'a> {
        Lower {
            file,
            diags: Vec::new(),
            heads: Vec::new(),
            loose: Vec::new(),
            pile: Vec::new(),
            prop_docs: Vec::new(),
            errors: Vec::new(),
            refused: Vec::new(),
            open: Vec::new(),
            key: Span::default(),
        }
    }

    /// The source text of a span.
    pub fn text(&self, span: Span) -> &'a str {
        self.file.slice(span)
    }

    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Ends the current fragment. Its vectors are kept until resolution, so they are cut
    /// to size (the context's own buffers are reused for the next fragment).
    fn fragment(&mut self, decl: Lowered) -> Fragment {
        fn exact<T>(v: &mut Vec<T>) -> Vec<T> {
            let mut out = Vec::with_capacity(v.len());
            out.append(v);
            out
        }
        let rare = !(self.loose.is_empty()
            && self.pile.is_empty()
            && self.prop_docs.is_empty()
            && self.errors.is_empty()
            && self.refused.is_empty()
            && self.open.is_empty());
        Fragment {
            decl,
            heads: exact(&mut self.heads),
            extra: rare.then(|| {
                Box::new(Extra {
                    loose: exact(&mut self.loose),
                    pile: exact(&mut self.pile),
                    prop_docs: exact(&mut self.prop_docs),
                    errors: exact(&mut self.errors),
                    refused: exact(&mut self.refused),
                    open: exact(&mut self.open),
                })
            }),
        }
    }
}

/// Lowers the nodes of one item.
pub fn lower_item(file: &SourceFile, nodes: &[Node]) -> LoweredItem {
    let mut cx = Lower::new(file);
    let mut fragments = Vec::with_capacity(nodes.len());
    for n in nodes {
        let decl = match n {
            Node::Error(span) => Lowered::Error { span: *span },
            Node::Entry(e) => decls::top(&mut cx, e),
        };
        fragments.push(cx.fragment(decl));
    }
    LoweredItem {
        fragments,
        diagnostics: cx.diags,
    }
}

/// The atoms of an entry and its children, for declarations that cannot be read: their
/// words are not reported unused.
pub(super) fn words(e: &Entry, out: &mut Vec<Span>) {
    fn arg(a: &crate::syntax::tree::Arg, out: &mut Vec<Span>) {
        match &a.kind {
            crate::syntax::tree::ArgKind::Atom => out.push(a.span),
            crate::syntax::tree::ArgKind::List(l) => l.items.iter().for_each(|i| arg(i, out)),
            _ => {}
        }
    }
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        e.args.iter().for_each(|a| arg(a, out));
        if let Some(w) = &e.when {
            for c in cond_atoms(&w.cond) {
                out.push(c);
            }
        }
        stack.extend(e.children());
    }
}

/// The atoms of a condition (iteratively).
fn cond_atoms(c: &crate::syntax::tree::Cond) -> Vec<Span> {
    use crate::syntax::tree::CondKind;
    let mut out = Vec::new();
    let mut stack = vec![c];
    while let Some(c) = stack.pop() {
        match &c.kind {
            CondKind::Or { terms, .. } | CondKind::And { terms, .. } => stack.extend(terms),
            CondKind::Not { inner, .. } | CondKind::Paren { inner, .. } => stack.push(inner),
            CondKind::Compare { subject, value, .. } => {
                out.extend(subject);
                out.push(*value);
            }
            CondKind::In { subject, list, .. } => {
                out.extend(subject);
                if let Some(l) = list.list() {
                    out.extend(l.items.iter().map(|i| i.span));
                }
            }
            CondKind::Words(w) => out.extend(w),
            CondKind::Error => {}
        }
    }
    out
}
