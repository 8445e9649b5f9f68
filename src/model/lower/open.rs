//! Values a policy leaves open: `tbd` (with its reason) and template placeholders, reported
//! as warnings and kept in the model's open values, with the property they stand in.

use super::Lower;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::tree::{Arg, ArgKind, Entry};

impl Lower<'_> {
    /// Reports a template placeholder where a value belongs, in the property being read.
    pub fn placeholder(&mut self, a: &Arg) {
        self.placeholder_in(self.key, a);
    }

    /// Reports a template placeholder in the property whose key is at `key`, and records it.
    pub fn placeholder_in(&mut self, key: Span, a: &Arg) {
        self.placeholder_at(key, a.span);
    }

    /// A placeholder `{{NAME}}` at `span` (in a value or inside a string).
    pub fn placeholder_at(&mut self, key: Span, span: Span) {
        let text = self.text(span).to_string();
        self.report(
            Diagnostic::new(
                Code::Placeholder,
                span,
                format!("template placeholder `{text}` left in the policy"),
            )
            .label("not filled in")
            .help("replace the placeholder with the value it stands for"),
        );
        let inner = text.trim_start_matches('{').trim_end_matches('}');
        let lead = text.len() - text.trim_start_matches('{').len();
        let off = lead + (inner.len() - inner.trim_start().len());
        let name = Span::new(
            span.lo + off as u32,
            span.lo + (off + inner.trim().len()) as u32,
        );
        self.open.push(crate::model::Open {
            span,
            key,
            kind: crate::model::OpenKind::Placeholder { name },
        });
    }

    /// Records and reports `tbd` or a placeholder standing for a value: `true` if `a` is one.
    pub fn open_arg(&mut self, e: &Entry, a: &Arg) -> bool {
        match a.kind {
            ArgKind::Placeholder => {
                self.placeholder_in(e.key, a);
                true
            }
            ArgKind::Atom if self.text(a.span) == "tbd" => {
                let at = e.args.iter().position(|x| x.span == a.span);
                let reason = at
                    .and_then(|i| e.args.get(i + 1))
                    .filter(|r| matches!(r.kind, ArgKind::Str | ArgKind::TextBlock))
                    .cloned();
                self.not_stated(e.key, a.span, reason.as_ref());
                true
            }
            _ => false,
        }
    }

    /// Whether a reason string follows a `tbd` at `e.args[at]`.
    pub(super) fn reason_after(&self, e: &Entry, at: usize) -> bool {
        e.args
            .get(at)
            .is_some_and(|a| a.is_atom() && self.text(a.span) == "tbd")
            && e.args
                .get(at + 1)
                .is_some_and(|r| matches!(r.kind, ArgKind::Str | ArgKind::TextBlock))
    }

    /// Records `tbd` (with its reason) in the property whose key is at `key`, and warns.
    pub fn not_stated(&mut self, key: Span, at: Span, reason: Option<&Arg>) {
        let reason = reason.and_then(|r| self.text_of(r));
        let span = reason.as_ref().map_or(at, |r| at.join(r.span));
        let what = crate::model::schema::static_key(self.text(key));
        self.report(
            Diagnostic::new(Code::NotStated, span, format!("`{what}` is not stated"))
                .label(match reason {
                    Some(_) => "left open, with a reason",
                    None => "left open",
                })
                .help("state the value once it is known: `tbd` marks what a draft still has to decide"),
        );
        self.open.push(crate::model::Open {
            span,
            key,
            kind: crate::model::OpenKind::NotStated { reason },
        });
    }
    /// A property whose whole value is `tbd ["reason"]` or one placeholder: recorded and
    /// reported.
    pub fn whole_open(&mut self, e: &Entry) -> bool {
        let open = match e.args.as_slice() {
            [a] => matches!(a.kind, ArgKind::Placeholder) || self.text(a.span) == "tbd",
            [a, r] => {
                a.is_atom()
                    && self.text(a.span) == "tbd"
                    && matches!(r.kind, ArgKind::Str | ArgKind::TextBlock)
            }
            _ => false,
        };
        if open && e.block.is_none() {
            let a = e.args[0].clone();
            self.open_arg(e, &a);
            return true;
        }
        false
    }

    /// Whether a string holds a placeholder (just read from it, so the last open value).
    pub fn holds_placeholder(&self, t: &crate::model::value::Text) -> bool {
        self.open.last().is_some_and(|o| t.span.contains(o.span))
    }
}
