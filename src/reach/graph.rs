//! The party graph: every party a report or an escalation can reach (people, roles, teams,
//! rotas, points of contact, outside parties, channels, follow-the-sun regions) as a node, and
//! every way one leads to another as an edge: the hops of escalation paths, and the standing
//! links of the policy (a channel lands at a desk, a desk is staffed by a rota, a role is held
//! by a person, a team has a lead).
//!
//! Nodes and edges are added in model order, so indices, and everything walked from them, are
//! the same on every run. It is a petgraph graph, walked only by iterative algorithms.

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use crate::model::{
    Backup, ChannelId, Destination, ExternalId, HopId, Loc, Map, Model, OutOfHours, PersonId,
    PocId, PocStaff, RegionId, Responder, RoleHolder, RoleId, RoleOrPerson, ScheduleId, TeamId,
};

/// How one party leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    /// A hop of an escalation path.
    Hop(HopId),
    /// A channel delivers to its `lands_at`.
    LandsAt,
    /// A point of contact is staffed by its `held_by` in its `hours`.
    Staff,
    /// A point of contact hands to its `out_of_hours` outside its `hours`.
    OutOfHours,
    /// A role is its holder: with `any [..]`, one of several (`any` true).
    HeldBy { any: bool },
    /// A holder is the role it holds: reaching the holder reaches the role.
    Holds,
    /// A role's backup, called when its holder does not answer; its place in the chain.
    Backup(u32),
    /// A team's lead.
    Lead,
    /// A member of a team.
    Member,
    /// A team's on-call rota.
    OnCall,
    /// A rota's person, on call in their turn.
    Rota,
    /// A follow-the-sun rota's region, on call in its working hours.
    Region,
    /// A region's on-call rota.
    RegionRota,
}

impl Via {
    /// Whether reaching the source certainly reaches the target, whatever the hour and
    /// whoever answers: not a hop (it has its trigger and its time), not a rota's person or a
    /// region (one of them, by the hour), not one of `any` holders, not a backup (called only
    /// when the holder does not answer), not a desk's staff or out-of-hours (by the hour).
    pub fn certain(self) -> bool {
        matches!(
            self,
            Via::LandsAt
                | Via::HeldBy { any: false }
                | Via::Holds
                | Via::Lead
                | Via::Member
                | Via::OnCall
        )
    }

    /// Whether the edge is part of the standing structure, not a hop.
    pub fn standing(self) -> bool {
        !matches!(self, Via::Hop(_))
    }
}

/// The party graph of a policy.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub graph: DiGraph<Loc, Via, u32>,
    nodes: Map<Loc, NodeIndex<u32>>,
}

impl Graph {
    /// Builds the graph of a model: linear in its parties, links and hops.
    pub fn new(model: &Model) -> Graph {
        let mut g = Graph::default();
        let ids = |n: usize| 0..n as u32;
        for i in ids(model.people.len()) {
            g.add(Loc::Person(PersonId(i)));
        }
        for i in ids(model.roles.len()) {
            g.add(Loc::Role(RoleId(i)));
        }
        for i in ids(model.teams.len()) {
            g.add(Loc::Team(TeamId(i)));
        }
        for i in ids(model.schedules.len()) {
            g.add(Loc::Schedule(ScheduleId(i)));
        }
        for i in ids(model.regions.len()) {
            g.add(Loc::Region(RegionId(i)));
        }
        for i in ids(model.points_of_contact.len()) {
            g.add(Loc::PointOfContact(PocId(i)));
        }
        for i in ids(model.externals.len()) {
            g.add(Loc::External(ExternalId(i)));
        }
        for i in ids(model.channels.len()) {
            g.add(Loc::Channel(ChannelId(i)));
        }

        for (i, c) in model.channels.iter().enumerate() {
            let me = Loc::Channel(ChannelId(i as u32));
            if let Some(to) = c.lands_at.as_ref().and_then(|l| l.value.target) {
                let to = match to {
                    Destination::PointOfContact(p) => Loc::PointOfContact(p),
                    Destination::External(e) => Loc::External(e),
                };
                g.link(me, to, Via::LandsAt);
            }
        }
        for (i, p) in model.points_of_contact.iter().enumerate() {
            let me = Loc::PointOfContact(PocId(i as u32));
            if let Some(s) = p.held_by.as_ref().and_then(|h| h.value.target) {
                let to = match s {
                    PocStaff::Person(x) => Loc::Person(x),
                    PocStaff::Role(x) => Loc::Role(x),
                    PocStaff::Schedule(x) => Loc::Schedule(x),
                    PocStaff::Team(x) => Loc::Team(x),
                };
                g.link(me, to, Via::Staff);
            }
            if let Some(s) = p.out_of_hours.as_ref().and_then(|h| h.value.target) {
                let to = match s {
                    OutOfHours::Schedule(x) => Loc::Schedule(x),
                    OutOfHours::Role(x) => Loc::Role(x),
                    OutOfHours::Person(x) => Loc::Person(x),
                    OutOfHours::Team(x) => Loc::Team(x),
                };
                g.link(me, to, Via::OutOfHours);
            }
        }
        for (i, r) in model.roles.iter().enumerate() {
            let me = Loc::Role(RoleId(i as u32));
            if let Some(h) = &r.held_by {
                let any = h.value.any.is_some() || h.value.of.items.len() > 1;
                for x in h.value.of.items.iter().filter_map(|x| x.target) {
                    let to = match x {
                        RoleHolder::Person(p) => Loc::Person(p),
                        RoleHolder::Schedule(s) => Loc::Schedule(s),
                        RoleHolder::Team(t) => Loc::Team(t),
                        RoleHolder::Role(r) => Loc::Role(r),
                    };
                    g.link(me, to, Via::HeldBy { any });
                    g.link(to, me, Via::Holds);
                }
            }
            if let Some(b) = &r.backup {
                for (k, x) in b.value.items.iter().enumerate() {
                    let Some(x) = x.target else { continue };
                    let to = match x {
                        Backup::Person(p) => Loc::Person(p),
                        Backup::Role(r) => Loc::Role(r),
                        Backup::Schedule(s) => Loc::Schedule(s),
                    };
                    g.link(me, to, Via::Backup(k as u32));
                }
            }
        }
        for (i, t) in model.teams.iter().enumerate() {
            let me = Loc::Team(TeamId(i as u32));
            let who = |x: RoleOrPerson| match x {
                RoleOrPerson::Role(r) => Loc::Role(r),
                RoleOrPerson::Person(p) => Loc::Person(p),
            };
            if let Some(l) = t.lead.as_ref().and_then(|l| l.value.target) {
                g.link(me, who(l), Via::Lead);
            }
            if let Some(m) = &t.members {
                for x in m.value.items.iter().filter_map(|x| x.target) {
                    g.link(me, who(x), Via::Member);
                }
            }
            if let Some(s) = t.on_call.as_ref().and_then(|s| s.value.target) {
                g.link(me, Loc::Schedule(s), Via::OnCall);
            }
        }
        for (i, s) in model.schedules.iter().enumerate() {
            let me = Loc::Schedule(ScheduleId(i as u32));
            if let Some(r) = &s.rotate {
                for p in r.value.people.items.iter().filter_map(|p| p.target) {
                    g.link(me, Loc::Person(p), Via::Rota);
                }
            }
            if let Some(f) = &s.follow_the_sun {
                for r in f.value.items.iter().filter_map(|r| r.target) {
                    g.link(me, Loc::Region(r), Via::Region);
                }
            }
        }
        for (i, r) in model.regions.iter().enumerate() {
            if let Some(s) = r.on_call.as_ref().and_then(|s| s.value.target) {
                g.link(
                    Loc::Region(RegionId(i as u32)),
                    Loc::Schedule(s),
                    Via::RegionRota,
                );
            }
        }
        for (e, esc) in model.escalations.iter().enumerate() {
            for (h, hop) in esc.hops.iter().enumerate() {
                let (Some(from), Some(to)) = (hop.from.target, hop.to.target) else {
                    continue;
                };
                let id = HopId {
                    escalation: crate::model::EscalationId(e as u32),
                    index: h as u32,
                };
                g.link(responder(from), responder(to), Via::Hop(id));
            }
        }
        g
    }

    fn add(&mut self, loc: Loc) {
        let n = self.graph.add_node(loc);
        self.nodes.insert(loc, n);
    }

    fn link(&mut self, from: Loc, to: Loc, via: Via) {
        if let (Some(&a), Some(&b)) = (self.nodes.get(&from), self.nodes.get(&to)) {
            self.graph.add_edge(a, b, via);
        }
    }

    /// The node of a party.
    pub fn node(&self, loc: Loc) -> Option<NodeIndex<u32>> {
        self.nodes.get(&loc).copied()
    }

    /// The party of a node.
    pub fn loc(&self, n: NodeIndex<u32>) -> Loc {
        self.graph[n]
    }

    /// How an edge leads, and where from and to.
    pub fn edge(&self, e: EdgeIndex<u32>) -> (NodeIndex<u32>, NodeIndex<u32>, Via) {
        let (a, b) = self.graph.edge_endpoints(e).unwrap_or_default();
        (a, b, self.graph[e])
    }

    pub fn len(&self) -> usize {
        self.graph.node_count()
    }

    pub fn is_empty(&self) -> bool {
        self.graph.node_count() == 0
    }
}

/// The nodes a party is reached at: itself, and for a team also its lead and its on-call
/// rota (a team is reached when any of them is). Sorted, each once.
pub fn engaged(model: &Model, graph: &Graph, loc: Loc) -> Vec<NodeIndex<u32>> {
    let mut out: Vec<NodeIndex<u32>> = graph.node(loc).into_iter().collect();
    if let Loc::Team(t) = loc {
        let t = &model[t];
        let lead = t
            .lead
            .as_ref()
            .and_then(|l| l.value.target)
            .map(|l| match l {
                RoleOrPerson::Role(r) => Loc::Role(r),
                RoleOrPerson::Person(p) => Loc::Person(p),
            });
        let rota = t
            .on_call
            .as_ref()
            .and_then(|s| s.value.target)
            .map(Loc::Schedule);
        out.extend(lead.into_iter().chain(rota).filter_map(|l| graph.node(l)));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The party a hop names.
pub fn responder(r: Responder) -> Loc {
    match r {
        Responder::Role(x) => Loc::Role(x),
        Responder::Person(x) => Loc::Person(x),
        Responder::Team(x) => Loc::Team(x),
        Responder::PointOfContact(x) => Loc::PointOfContact(x),
        Responder::Schedule(x) => Loc::Schedule(x),
        Responder::External(x) => Loc::External(x),
    }
}

/// Whether a channel is for reporting events: its `used_for` names `reporting`, or it says
/// nothing (reporting is the default).
pub fn for_reporting(c: &crate::model::Channel) -> bool {
    c.used_for.as_ref().is_none_or(|u| {
        u.value
            .iter()
            .any(|x| x.value == crate::model::ChannelUse::Reporting)
    })
}

/// Where reports of events start: the parties the reporting channels land at (points of
/// contact, or outside parties such as a managed service), each once, in model order of the
/// channels; every point of contact when no reporting channel lands anywhere known.
pub fn report_starts(model: &Model, graph: &Graph) -> Vec<NodeIndex<u32>> {
    let mut out: Vec<NodeIndex<u32>> = Vec::new();
    let mut seen = vec![false; graph.len()];
    for c in model.channels.iter().filter(|c| for_reporting(c)) {
        let Some(to) = c.lands_at.as_ref().and_then(|l| l.value.target) else {
            continue;
        };
        let loc = match to {
            Destination::PointOfContact(p) => Loc::PointOfContact(p),
            Destination::External(e) => Loc::External(e),
        };
        if let Some(n) = graph.node(loc)
            && !std::mem::replace(&mut seen[n.index()], true)
        {
            out.push(n);
        }
    }
    if out.is_empty() {
        out = (0..model.points_of_contact.len() as u32)
            .filter_map(|i| graph.node(Loc::PointOfContact(PocId(i))))
            .collect();
    }
    out
}
