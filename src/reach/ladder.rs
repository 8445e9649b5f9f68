//! The ladder of an incident: who its report and its escalation paths reach, and by when at
//! the latest. The one definition of how the time of a path adds up, which the checks and
//! the simulation share.
//!
//! A report lands at its starting parties at time 0. From a party reached at `r`:
//! - a hop `FROM -> TO within D` fires at `r + D` (`D` after the previous hop fired, which is
//!   when `FROM` was reached); a hop `at D` fires at `D` from the start, but never before
//!   `FROM` was reached; a hop with no time fires at once, at `r`. `D` is read at its longest
//!   (a range at its upper end, a month as 31 days, a business day as a week): a worst case;
//! - a hop counts only when its `when` certainly holds for the incident ([`Truth::Holds`]),
//!   and fires no earlier than its condition holds (`not acknowledged after 30m`: at 30m, in
//!   the worst case nobody has acknowledged). A hop whose `when` cannot be known for the
//!   incident (its category, a fact) does not count;
//! - a rota with `respond within D` answers `D` after it is paged: a party reached through it
//!   is reached then;
//! - a standing link (a desk's staff, a role's holder, a team's members) leads on at once,
//!   if the caller follows it (see [`Via::certain`]);
//! - `repeat N every D` tries the whole path again when nobody has answered: it pages the
//!   same parties later, so it never makes a party reached sooner, and is not part of this
//!   earliest time.
//!
//! A party is reached at the earliest of these times over every way to it (Dijkstra's
//! algorithm on these monotone delays, with a heap: iterative, `O(E log V)` in the edges and
//! parties it meets; it keeps only those, so a climb costs what it reaches, not the size of
//! the graph). A hop whose time cannot be read as a length (`required`, `24h before
//! board_meeting`) still reaches its target, at no known time ([`Time::Untimed`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use super::graph::{Graph, Via};
use super::incident::{Incident, Truth};
use crate::model::bounds::Bounds;
use crate::model::{HopTiming, Loc, Model};

/// When a party is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Time {
    /// At the latest this many seconds after the report.
    At(u64),
    /// At a time the policy does not give as a length.
    Untimed,
}

impl Time {
    pub fn seconds(self) -> Option<u64> {
        match self {
            Time::At(s) => Some(s),
            Time::Untimed => None,
        }
    }

    fn plus(self, s: u64) -> Time {
        match self {
            Time::At(t) => Time::At(t.saturating_add(s)),
            Time::Untimed => Time::Untimed,
        }
    }

    fn max(self, other: Time) -> Time {
        std::cmp::max(self, other)
    }
}

/// How a party was reached: when, and by which edge from which party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub at: Time,
    /// The edge it was reached by; `None` for a starting party.
    pub by: Option<EdgeIndex<u32>>,
}

/// The work a caller allows its ladders, in edges relaxed, shared by every climb of a check
/// so that the check stays linear in the policy: past it, [`climb`] gives `None`.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub left: u64,
}

impl Budget {
    /// `times` climbs of the whole graph.
    pub fn of(graph: &Graph, times: u64) -> Budget {
        Budget {
            left: (graph.graph.edge_count() as u64 + graph.len() as u64 + 1).saturating_mul(times),
        }
    }
}

/// Who an incident reaches, and when: only the parties reached, in node order, so that a
/// ladder costs what it reaches, not the whole graph.
#[derive(Debug, Clone, Default)]
pub struct Ladder {
    /// The nodes reached, ascending.
    nodes: Vec<u32>,
    /// How each of `nodes` was reached.
    reach: Vec<Reach>,
}

impl Ladder {
    /// How a party was reached, if it was.
    pub fn reach(&self, n: NodeIndex<u32>) -> Option<Reach> {
        let n = u32::try_from(n.index()).ok()?;
        self.nodes.binary_search(&n).ok().map(|i| self.reach[i])
    }

    /// The edges from a starting party to `n`, in the order travelled (empty for a starting
    /// party or one not reached). Walked back without recursion; each node is on it once.
    pub fn path(&self, graph: &Graph, n: NodeIndex<u32>) -> Vec<EdgeIndex<u32>> {
        let mut out = Vec::new();
        let mut at = n;
        while let Some(Reach { by: Some(e), .. }) = self.reach(at) {
            out.push(e);
            at = graph.edge(e).0;
            if out.len() > self.nodes.len() {
                break;
            }
        }
        out.reverse();
        out
    }

    /// Every party reached, in node order.
    pub fn reached(&self) -> impl Iterator<Item = (NodeIndex<u32>, Reach)> + '_ {
        self.nodes
            .iter()
            .zip(&self.reach)
            .map(|(&n, &r)| (NodeIndex::new(n as usize), r))
    }

    /// Where `n` stands among the parties reached (its place in [`Ladder::reached`]), if it
    /// was reached.
    pub fn rank(&self, n: NodeIndex<u32>) -> Option<usize> {
        let n = u32::try_from(n.index()).ok()?;
        self.nodes.binary_search(&n).ok()
    }

    /// How many parties were reached.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// When a hop fires, given when its `from` was reached; `None` when it does not count for
/// the incident.
pub fn fires(
    model: &Model,
    incident: &Incident,
    hop: crate::model::HopId,
    from: Time,
) -> Option<Time> {
    let hop = &model[hop];
    let Truth::Holds(cond) = incident.when(model, hop.when.as_ref()) else {
        return None;
    };
    let delay = match &hop.within {
        None => Some(0),
        Some(w) => Bounds::of(w).map(|b| b.max),
    };
    let fire = match (delay, hop.timing) {
        (None, _) => Time::Untimed,
        (Some(d), HopTiming::AfterPrevious) => from.plus(d),
        (Some(d), HopTiming::FromStart) => from.max(Time::At(d)),
    };
    Some(fire.max(Time::At(cond)))
}

/// How long a party takes to answer once paged: a rota's `respond`, at its longest.
pub fn answers_in(model: &Model, loc: Loc) -> u64 {
    match loc {
        Loc::Schedule(s) => model[s]
            .respond
            .as_ref()
            .and_then(|r| Bounds::of(&r.value))
            .map_or(0, |b| b.max),
        _ => 0,
    }
}

/// The working memory of climbs over one graph, kept between them by a caller that climbs
/// many times (a check family), so that each climb costs what it reaches: the slots are
/// allocated once, at the size of the graph, and each climb marks the ones it uses with its
/// own number instead of clearing them all.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The number of the current climb; a slot belongs to it when its mark is this.
    epoch: u32,
    mark: Vec<u32>,
    slot: Vec<Slot>,
    /// The nodes the current climb has met.
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(Time, u32)>>,
}

/// A party met on the way: how it is reached so far, and whether that is final.
#[derive(Debug, Clone, Copy)]
struct Slot {
    reach: Reach,
    done: bool,
}

impl Scratch {
    /// Starts a climb over a graph of `n` nodes.
    fn begin(&mut self, n: usize) {
        if self.mark.len() < n {
            self.mark.resize(n, 0);
            self.slot.resize(
                n,
                Slot {
                    reach: Reach {
                        at: Time::At(0),
                        by: None,
                    },
                    done: false,
                },
            );
        }
        if self.epoch == u32::MAX {
            self.mark.fill(0);
            self.epoch = 0;
        }
        self.epoch += 1;
        self.touched.clear();
        self.heap.clear();
    }

    fn get(&self, v: u32) -> Option<&Slot> {
        let i = v as usize;
        (self.mark[i] == self.epoch).then(|| &self.slot[i])
    }

    fn set(&mut self, v: u32, slot: Slot) {
        let i = v as usize;
        if self.mark[i] != self.epoch {
            self.mark[i] = self.epoch;
            self.touched.push(v);
        }
        self.slot[i] = slot;
    }

    /// The ladder of the climb: the nodes met, in node order (sorted, or read off the marks
    /// in order when the climb met a good part of the graph).
    fn ladder(&mut self) -> Ladder {
        let n = self.touched.len();
        if n.saturating_mul(usize::BITS as usize) > self.mark.len() {
            let epoch = self.epoch;
            self.touched.clear();
            self.touched.extend(
                self.mark
                    .iter()
                    .enumerate()
                    .filter(|&(_, &m)| m == epoch)
                    .map(|(i, _)| i as u32),
            );
        } else {
            self.touched.sort_unstable();
        }
        Ladder {
            reach: self
                .touched
                .iter()
                .map(|&v| self.slot[v as usize].reach)
                .collect(),
            nodes: self.touched.clone(),
        }
    }
}

/// Climbs the ladder of an incident from its starting parties (each reached at time 0),
/// following the hops that count for it and the standing links `follow` accepts. `None` when
/// the budget is spent. A caller that climbs many times keeps a [`Scratch`] and calls
/// [`climb_in`].
pub fn climb(
    model: &Model,
    graph: &Graph,
    incident: &Incident,
    starts: &[NodeIndex<u32>],
    follow: impl Fn(Via) -> bool,
    budget: &mut Budget,
) -> Option<Ladder> {
    climb_in(
        &mut Scratch::default(),
        model,
        graph,
        incident,
        starts,
        follow,
        budget,
    )
}

/// [`climb`], in the working memory `scratch` (of any earlier climb, over any graph): apart
/// from the first climb, which sizes it, the cost is that of the parties and edges met.
pub fn climb_in(
    scratch: &mut Scratch,
    model: &Model,
    graph: &Graph,
    incident: &Incident,
    starts: &[NodeIndex<u32>],
    follow: impl Fn(Via) -> bool,
    budget: &mut Budget,
) -> Option<Ladder> {
    let n = graph.len();
    let s = scratch;
    s.begin(n);
    for &start in starts {
        if start.index() < n && s.get(start.index() as u32).is_none() {
            s.set(
                start.index() as u32,
                Slot {
                    reach: Reach {
                        at: Time::At(0),
                        by: None,
                    },
                    done: false,
                },
            );
            s.heap.push(Reverse((Time::At(0), start.index() as u32)));
        }
    }
    while let Some(Reverse((at, u))) = s.heap.pop() {
        match s.get(u) {
            Some(slot) if !slot.done => {
                let mut slot = *slot;
                slot.done = true;
                s.set(u, slot);
            }
            _ => continue,
        }
        let u = NodeIndex::new(u as usize);
        for e in graph.graph.edges(u) {
            budget.left = budget.left.checked_sub(1)?;
            let v = e.target().index() as u32;
            let known = s.get(v).map(|s| (s.done, s.reach.at));
            if known.is_some_and(|(done, _)| done) {
                continue;
            }
            let t = match *e.weight() {
                Via::Hop(h) => match fires(model, incident, h, at) {
                    Some(t) => t.plus(answers_in(model, graph.loc(e.target()))),
                    None => continue,
                },
                via if follow(via) => at,
                _ => continue,
            };
            if known.is_none_or(|(_, r)| t < r) {
                s.set(
                    v,
                    Slot {
                        reach: Reach {
                            at: t,
                            by: Some(e.id()),
                        },
                        done: false,
                    },
                );
                s.heap.push(Reverse((t, v)));
            }
        }
    }
    Some(s.ladder())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LevelId, ScaleId};

    fn model(text: &str) -> Model {
        crate::check::check_sources(&[("test.imp", text)], crate::check::Options::reading_only())
            .model
    }

    const PEOPLE: &str = "scale severity \"S\" {\n  level sev1 \"A\" {}\n  level sev2 \"B\" {}\n}\n\
        point_of_contact desk \"Desk\" {}\nrole isirt \"ISIRT\" {}\nrole ciso \"CISO\" {}\n\
        schedule rota \"Rota\" { respond within 5m }\n";

    fn ladder(text: &str, level: u32) -> (Model, Graph, Ladder) {
        let m = model(text);
        let g = Graph::new(&m);
        let start = g
            .node(Loc::PointOfContact(crate::model::PocId(0)))
            .expect("a desk");
        let i = Incident::of_level(LevelId {
            scale: ScaleId(0),
            index: level,
        });
        let l = climb(&m, &g, &i, &[start], Via::certain, &mut Budget::of(&g, 1))
            .expect("within budget");
        (m, g, l)
    }

    fn at(m: &Model, g: &Graph, l: &Ladder, role: u32) -> Option<Time> {
        let _ = m;
        l.reach(g.node(Loc::Role(crate::model::RoleId(role)))?)
            .map(|r| r.at)
    }

    #[test]
    fn within_adds_up_and_at_counts_from_the_start() {
        let text = format!(
            "{PEOPLE}escalation e \"E\" {{\n  hop desk -> isirt within 30m\n  hop isirt -> ciso within 15m\n}}\n"
        );
        let (m, g, l) = ladder(&text, 0);
        assert_eq!(at(&m, &g, &l, 1), Some(Time::At(45 * 60)));
        let path = l.path(
            &g,
            g.node(Loc::Role(crate::model::RoleId(1))).expect("ciso"),
        );
        assert_eq!(path.len(), 2);
        let text = format!(
            "{PEOPLE}escalation e \"E\" {{\n  hop desk -> isirt at 10m\n  hop isirt -> ciso at 15m\n}}\n"
        );
        let (m, g, l) = ladder(&text, 0);
        assert_eq!(at(&m, &g, &l, 1), Some(Time::At(15 * 60)));
    }

    #[test]
    fn conditions_gate_hops_and_timers_delay_them() {
        let text = format!(
            "{PEOPLE}escalation e \"E\" {{\n  hop desk -> isirt within 5m\n  hop isirt -> ciso within 5m when severity >= sev1 or not acknowledged after 1h\n}}\n"
        );
        let (m, g, l) = ladder(&text, 0);
        assert_eq!(at(&m, &g, &l, 1), Some(Time::At(10 * 60)));
        let (m, g, l) = ladder(&text, 1);
        assert_eq!(at(&m, &g, &l, 1), Some(Time::At(3600)));
        let text = format!(
            "{PEOPLE}escalation e \"E\" {{\n  hop desk -> isirt within 5m\n  hop isirt -> ciso when severity >= sev1\n}}\n"
        );
        let (m, g, l) = ladder(&text, 1);
        assert_eq!(at(&m, &g, &l, 1), None);
    }

    #[test]
    fn the_earliest_way_wins_and_a_rota_takes_its_time_to_answer() {
        let text = format!(
            "{PEOPLE}escalation e \"E\" {{\n  hop desk -> rota within 10m\n  hop rota -> ciso within 10m\n  hop desk -> ciso within 1h\n}}\n"
        );
        let (m, g, l) = ladder(&text, 0);
        assert_eq!(at(&m, &g, &l, 1), Some(Time::At(25 * 60)));
        let text = format!(
            "{PEOPLE}escalation e \"E\" {{\n  hop desk -> isirt within required\n  hop isirt -> ciso within 5m\n}}\n"
        );
        let text = text.replace("within required", "required");
        let (m, g, l) = ladder(&text, 0);
        assert_eq!(at(&m, &g, &l, 1), Some(Time::Untimed));
    }

    #[test]
    fn a_kept_scratch_gives_the_ladders_of_fresh_climbs() {
        let text = format!(
            "{PEOPLE}escalation e \"E\" {{\n  hop desk -> rota within 10m\n  hop rota -> ciso within 10m when severity >= sev1\n  hop desk -> isirt within 1h\n}}\n"
        );
        let m = model(&text);
        let g = Graph::new(&m);
        let desk = g
            .node(Loc::PointOfContact(crate::model::PocId(0)))
            .expect("a desk");
        let isirt = g.node(Loc::Role(crate::model::RoleId(0))).expect("isirt");
        let level = |index| {
            Incident::of_level(LevelId {
                scale: ScaleId(0),
                index,
            })
        };
        let mut scratch = Scratch::default();
        let mut budget = Budget::of(&g, 8);
        for (i, starts) in [(0, [desk]), (1, [desk]), (0, [isirt]), (0, [desk])] {
            let kept = climb_in(
                &mut scratch,
                &m,
                &g,
                &level(i),
                &starts,
                Via::certain,
                &mut budget,
            )
            .expect("within budget");
            let fresh = climb(&m, &g, &level(i), &starts, Via::certain, &mut budget)
                .expect("within budget");
            let a: Vec<_> = kept.reached().collect();
            assert_eq!(a, fresh.reached().collect::<Vec<_>>());
            assert!(a.is_sorted_by_key(|(n, _)| *n));
            assert_eq!(kept.len(), a.len());
        }
    }

    #[test]
    fn the_budget_bounds_the_work() {
        let text = format!("{PEOPLE}escalation e \"E\" {{\n  hop desk -> isirt within 5m\n}}\n");
        let m = model(&text);
        let g = Graph::new(&m);
        let start = g
            .node(Loc::PointOfContact(crate::model::PocId(0)))
            .expect("a desk");
        let i = Incident::default();
        let mut b = Budget { left: 0 };
        assert!(climb(&m, &g, &i, &[start], Via::certain, &mut b).is_none());
    }
}
