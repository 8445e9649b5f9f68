//! The properties of one declaration, checked against its schema: unknown keys (with "did you
//! mean"), repeats, misplaced blocks and conditions are reported here, once.

use super::cx::Cx;
use super::schema::{self, DeclSpec, Prop};
use crate::diagnostics::{Code, Diagnostic, backticked, suggest};
use crate::syntax::ast::{Arg, Entry, Ident, Value};

/// A declaration's header: `KEYWORD [name] ["title"] rest..`.
pub struct Header<'a> {
    pub name_ident: Option<Ident>,
    pub rest: &'a [Arg],
}

pub fn header<'a>(cx: &mut Cx, spec: &DeclSpec, e: &'a Entry) -> Header<'a> {
    let mut i = 0;
    let mut name_ident = None;
    if let Some(Arg {
        value: Value::Word(w),
        span,
    }) = e.args.first()
    {
        if w.contains('.') {
            cx.report(
                Diagnostic::new(Code::BadHeader, *span, format!("`{w}` is not a valid name"))
                    .label("a name has no `.`")
                    .help("use letters, digits and `_`, e.g. `incident_manager`"),
            );
        }
        name_ident = Some(Ident {
            text: w.clone(),
            span: *span,
        });
        i = 1;
    } else if spec.name == schema::NameRule::Required {
        let at = e.args.first().map_or(e.key.span, |a| a.span);
        cx.report(
            Diagnostic::new(
                Code::BadHeader,
                at,
                format!("`{}` needs a name", spec.keyword),
            )
            .label(match e.args.first() {
                Some(a) => format!("expected a name, found {}", a.value.describe()),
                None => "expected a name after this".to_string(),
            })
            .help(format!(
                "write `{} NAME \"Title\" {{ .. }}`, e.g. a short word such as `{}`",
                spec.keyword,
                example_name(spec.keyword)
            )),
        );
    }
    if let Some(Arg {
        value: Value::Str(_),
        ..
    }) = e.args.get(i)
    {
        i += 1;
    }
    Header {
        name_ident,
        rest: &e.args[i..],
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

/// Reports header arguments nothing consumed.
pub fn no_rest(cx: &mut Cx, spec: &DeclSpec, rest: &[Arg]) {
    if let (Some(first), Some(last)) = (rest.first(), rest.last()) {
        cx.report(
            Diagnostic::new(
                Code::BadHeader,
                first.span.join(last.span),
                format!(
                    "the header of `{}` has more than a name and a title",
                    spec.keyword
                ),
            )
            .label(format!(
                "found {} here, expected `{{`",
                first.value.describe()
            ))
            .help(format!(
                "a header is `{} NAME \"Title\"`; properties go inside `{{ .. }}`, one per line",
                spec.keyword
            )),
        );
    }
}

/// One declaration's properties and child declarations, sorted out.
pub struct Bag<'a> {
    pub props: Vec<(&'static Prop, &'a Entry)>,
    pub children: Vec<(&'static DeclSpec, &'a Entry)>,
}

impl<'a> Bag<'a> {
    pub fn build(cx: &mut Cx, spec: &'static DeclSpec, entries: &'a [Entry]) -> Bag<'a> {
        let mut bag = Bag {
            props: Vec::new(),
            children: Vec::new(),
        };
        for e in entries {
            let key = e.key.text.as_str();
            if let Some(child) = schema::decl(key, Some(spec.kind)).filter(|c| {
                // Options belong to decisions (and overrides of them) only.
                c.keyword != "option" || matches!(spec.keyword, "decision" | "override")
            }) {
                if let Some(c) = e.when.as_ref().filter(|_| child.keyword != "option") {
                    cx.report(
                        Diagnostic::new(
                            Code::MisplacedCondition,
                            c.span(),
                            format!("`{}` takes no `when` condition", child.keyword),
                        )
                        .label("unexpected condition")
                        .help("put the condition inside the block, on the property it governs (`when` in a level is its criteria)"),
                    );
                }
                bag.children.push((child, e));
                continue;
            }
            let Some(prop) = spec.prop(key) else {
                unknown(cx, spec, e);
                continue;
            };
            if !prop.repeat
                && let Some((_, first)) = bag.props.iter().find(|(p, _)| p.key == prop.key)
            {
                let d = Diagnostic::new(
                    Code::RepeatedProperty,
                    e.key.span,
                    format!("`{key}` is given twice"),
                )
                .label("given again here")
                .with_secondary(first.key.span, "first given here")
                .help(format!("`{key}` takes one value: keep one of the two"));
                cx.report(d);
                continue;
            }
            if let Some(block) = &e.block {
                cx.report(
                    Diagnostic::new(
                        Code::MisplacedBlock,
                        block.span,
                        format!("`{key}` takes no block"),
                    )
                    .label("unexpected block")
                    .help(format!("`{key}` expects {}", prop.shape.form())),
                );
            }
            if let Some(c) = &e.when
                && !prop.when
            {
                cx.report(
                    Diagnostic::new(
                        Code::MisplacedCondition,
                        c.span(),
                        format!("`{key}` takes no `when` condition"),
                    )
                    .label("unexpected condition")
                    .help("conditions go on criteria, triggers, hops, options and updates; see docs/language.md"),
                );
            }
            bag.props.push((prop, e));
        }
        bag
    }

    pub fn first(&self, key: &str) -> Option<&'a Entry> {
        self.props
            .iter()
            .find(|(p, _)| p.key == key)
            .map(|(_, e)| *e)
    }

    pub fn all(&self, key: &'a str) -> impl Iterator<Item = &'a Entry> + '_ {
        self.props
            .iter()
            .filter(move |(p, _)| p.key == key)
            .map(|(_, e)| *e)
    }

    pub fn shape(spec: &DeclSpec, key: &str) -> schema::Shape {
        spec.prop(key).map_or(schema::Shape::Flag, |p| p.shape)
    }
}

fn unknown(cx: &mut Cx, spec: &DeclSpec, e: &Entry) {
    let key = e.key.text.as_str();
    let candidates = spec
        .props
        .iter()
        .map(|p| p.key)
        .chain(schema::keywords(Some(spec.kind)));
    let help = if schema::decl(key, None).is_some() {
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
    cx.report(
        Diagnostic::new(
            Code::UnknownProperty,
            e.key.span,
            format!("unknown property `{key}` in `{}`", spec.keyword),
        )
        .label("not a property of this declaration")
        .help(help),
    );
}
