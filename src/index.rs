//! The index: one table of every definition and every reference of a policy, shared by
//! checks, documents and editors. Name to id per namespace; id to its definition (file,
//! name span, whole span, doc); every reference occurrence (span to target); and what is at
//! a position.
//!
//! Names are not copied: the table keeps ids, and compares names through the source map.

use std::hash::{BuildHasher, Hasher};

use hashbrown::HashTable;
use serde::Serialize;

use crate::model::ids::{DeclId, Loc};
use crate::model::schema::Kind;
use crate::model::value::Text;
use crate::source::{FileId, SourceMap, Span};

/// The definition of an element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Def {
    pub kind: Kind,
    /// Where it is in the model.
    pub loc: Loc,
    /// The key word that declares it (`role`, `level`, `hop`).
    pub keyword: Span,
    /// Its name, if it has one (`policy { .. }` and hops have none).
    pub name: Option<Span>,
    pub title: Option<Text>,
    /// The whole declaration.
    pub span: Span,
    /// The `##` lines above it.
    pub doc: Option<Span>,
    /// The element it is nested in.
    pub parent: Option<DeclId>,
    /// What every top-level declaration may say of itself: former names, documents,
    /// classification (absent when it says none).
    pub meta: Option<Box<crate::model::Meta>>,
}

/// A namespace: the top level (declarations and categories), or the children of one element
/// (the levels of a scale, the steps of a procedure, the options of a decision, the fields of
/// a form, the audiences of a communications plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Top,
    In(DeclId),
}

impl Scope {
    fn key(self) -> u32 {
        match self {
            Scope::Top => u32::MAX,
            Scope::In(id) => id.0,
        }
    }
}

/// What is at a position: the innermost element whose span holds it, and the reference
/// written there, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub element: Option<DeclId>,
    pub reference: Option<(Span, DeclId)>,
}

#[derive(Debug, Default)]
pub struct Index {
    defs: Vec<Def>,
    /// (hash of the scope and the name's text, scope key, id). The hash is kept so that
    /// growing the table never reads the names again.
    names: HashTable<(u64, u32, DeclId)>,
    /// Every reference: its span and what it names, sorted by span.
    refs: Vec<(Span, DeclId)>,
    /// Ids in the order of their span's start, for position queries.
    by_start: Vec<DeclId>,
}

fn hash(scope: u32, name: &str) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x1d3).build_hasher();
    h.write_u32(scope);
    h.write(name.as_bytes());
    h.finish()
}

impl Index {
    /// An empty index with room for `defs` definitions.
    pub(crate) fn with_capacity(defs: usize) -> Index {
        Index {
            defs: Vec::with_capacity(defs),
            names: HashTable::with_capacity(defs),
            ..Index::default()
        }
    }

    pub fn def(&self, id: DeclId) -> &Def {
        &self.defs[id.index()]
    }

    pub(crate) fn def_mut(&mut self, id: DeclId) -> &mut Def {
        &mut self.defs[id.index()]
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Every definition, with its id, in id order (top-level declarations in source order
    /// first, then nested elements).
    pub fn defs(&self) -> impl ExactSizeIterator<Item = (DeclId, &Def)> {
        self.defs
            .iter()
            .enumerate()
            .map(|(i, d)| (DeclId(i as u32), d))
    }

    /// Adds a definition, without a name in any scope.
    pub(crate) fn push(&mut self, def: Def) -> DeclId {
        let id = DeclId(self.defs.len() as u32);
        self.defs.push(def);
        id
    }

    /// Enters a definition's name in a scope; `Err` with the first definition if the name
    /// is taken there.
    pub(crate) fn name_in(
        &mut self,
        sources: &SourceMap,
        scope: Scope,
        id: DeclId,
    ) -> Result<(), DeclId> {
        let Some(span) = self.defs[id.index()].name else {
            return Ok(());
        };
        let name = sources.slice(span);
        if let Some(first) = self.lookup(sources, scope, name) {
            return Err(first);
        }
        let key = scope.key();
        let h = hash(key, name);
        self.names.insert_unique(h, (h, key, id), |(h, _, _)| *h);
        Ok(())
    }

    /// The element a name stands for in a scope.
    pub fn lookup(&self, sources: &SourceMap, scope: Scope, name: &str) -> Option<DeclId> {
        let key = scope.key();
        let h = hash(key, name);
        self.names
            .find(h, |(hh, s, i)| {
                *hh == h
                    && *s == key
                    && self.defs[i.index()]
                        .name
                        .is_some_and(|n| sources.slice(n) == name)
            })
            .map(|(_, _, i)| *i)
    }

    /// The name of an element, if it has one.
    pub fn name<'s>(&self, sources: &'s SourceMap, id: DeclId) -> Option<&'s str> {
        self.defs[id.index()].name.map(|n| sources.slice(n))
    }

    /// Records a reference.
    pub(crate) fn add_ref(&mut self, span: Span, target: DeclId) {
        self.refs.push((span, target));
    }

    /// Every reference occurrence, in source order.
    pub fn references(&self) -> &[(Span, DeclId)] {
        &self.refs
    }

    /// Where an element is referred to.
    pub fn references_to(&self, id: DeclId) -> impl Iterator<Item = Span> + '_ {
        self.refs
            .iter()
            .filter(move |(_, t)| *t == id)
            .map(|(s, _)| *s)
    }

    /// Sorts what position queries search; called once everything is in.
    pub(crate) fn finish(&mut self) {
        self.refs.sort_unstable();
        self.refs.dedup();
        let mut by: Vec<DeclId> = (0..self.defs.len() as u32).map(DeclId).collect();
        by.sort_by_key(|i| {
            let s = self.defs[i.index()].span;
            (s.lo, std::cmp::Reverse(s.hi), i.0)
        });
        self.by_start = by;
    }

    /// What is at a byte offset of a file.
    pub fn at(&self, sources: &SourceMap, file: FileId, offset: usize) -> At {
        let f = sources.get(file);
        let pos = f.base + offset.min(f.text.len()) as u32;
        // The last element starting at or before `pos`; the innermost element holding `pos`
        // is it or one of its ancestors, since elements nest.
        let i = self
            .by_start
            .partition_point(|id| self.defs[id.index()].span.lo <= pos);
        let mut element = i.checked_sub(1).map(|i| self.by_start[i]);
        while let Some(id) = element {
            let d = &self.defs[id.index()];
            if d.span.touches(pos) && d.span.lo >= f.base {
                break;
            }
            element = d.parent;
        }
        let r = self.refs.partition_point(|(s, _)| s.lo <= pos);
        let reference = r
            .checked_sub(1)
            .map(|r| self.refs[r])
            .filter(|(s, _)| s.touches(pos));
        At { element, reference }
    }
}
