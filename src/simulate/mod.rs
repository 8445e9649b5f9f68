//! The simulation of one incident through a policy: who is paged when and through which
//! contact, who is reached if nobody acknowledges, when status updates are due, and the
//! deadline of every obligation that applies, as absolute times. It reads the model only and
//! prints nothing: `imp simulate` and `imp test` (in `src/cli/`) render its [`Timeline`].
//!
//! The worst case is simulated: nobody acknowledges, so every hop of an escalation path that
//! applies fires, and every `not acknowledged after D` holds from D on.

pub mod clock;
pub mod scenario;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::model::*;
pub use crate::reach::Truth;
use crate::reach::{self, Via};

/// An incident to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub level: LevelId,
    pub category: Option<CategoryId>,
    /// Facts and judgements that hold; any other does not.
    pub facts: Vec<FactId>,
    /// Its level on impact categories; any other is unknown.
    pub impacts: Vec<(ImpactId, u32)>,
    /// When it is reported.
    pub at: Timestamp,
}

impl Incident {
    /// What the reach layer knows of it: everything (facts not listed do not hold).
    pub fn known(&self) -> reach::Incident {
        reach::Incident {
            level: Some(self.level),
            category: self.category,
            facts: self.facts.iter().copied().collect(),
            facts_complete: true,
            impacts: self.impacts.clone(),
        }
    }
}

/// How a party is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Phone(Span),
    Email(Span),
    Url(Span),
    /// An out-of-band method (`signal`, `sms`): the method and the address.
    OutOfBand(Span, Span),
}

use crate::source::Span;

/// Why a party is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The report lands at the point of contact (or who takes reports out of its hours).
    Report { poc: PocId, out_of_hours: bool },
    /// A hop of an escalation path; `retry` counts the path's retries (0: the first try).
    Hop { hop: HopId, retry: u32 },
    /// The level's `notify`, due by its acknowledge target.
    Notify,
}

/// One page: a party reached at a time, and the person who answers for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Seconds after the incident was reported, at the latest; `None`: at a time the policy
    /// does not give as a length (a hop `within required`).
    pub after: Option<i64>,
    /// The hops of escalation paths that led here, in the order travelled.
    pub path: Vec<HopId>,
    pub cause: Cause,
    /// The party as the policy names it.
    pub party: Responder,
    /// The parties in between, from the party to the one who answers (a role held by a
    /// rota: the rota).
    pub through: Vec<Responder>,
    /// Who answers, when a person does.
    pub person: Option<PersonId>,
    pub contact: Option<Contact>,
    /// The out-of-band contact to use when the first fails.
    pub fallback: Option<Contact>,
    /// Why nobody could be named (a rota without `starts`, out of its hours).
    pub gap: Option<Gap>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The rota is not staffed at that time (nor a backup).
    NotStaffed(ScheduleId),
    /// The rota has no `rotate` with `starts`: who is on call cannot be told.
    NoTurn(ScheduleId),
    /// The party names nobody the simulation can page.
    Nobody,
    /// The hop is not made: nobody answered at its `from` (a hop for want of
    /// acknowledgement, a timer, is made whoever answered).
    NotMade(Responder),
}

/// A status update due.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateDue {
    pub after: i64,
}

/// A deadline of an obligation.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub obligation: ObligationId,
    /// Position in the obligation's deadlines.
    pub deadline: usize,
    /// `None`: the limit gives no time (`required`, `before` a moment).
    pub at: Option<Timestamp>,
    /// Whether the obligation surely applies (`Holds(0)`) or may (`Unknown`).
    pub applies: Truth,
}

/// The simulated timeline of an incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub incident: Incident,
    /// The zone times are shown in (see [`policy_zone`]).
    pub zone: TimeZone,
    /// Pages in order of time (then of the policy).
    pub pages: Vec<Page>,
    /// Updates due within [`UPDATE_HORIZON`] seconds.
    pub updates: Vec<UpdateDue>,
    /// Deadlines of the obligations that apply or may apply, in order of time.
    pub deadlines: Vec<Due>,
}

/// Status updates are listed for the first day.
pub const UPDATE_HORIZON: i64 = 24 * 3600;
/// At most this many updates are listed.
pub const MAX_UPDATES: usize = 200;

/// The zone of the policy, that times are shown in: [`reach::policy_zone`].
pub fn policy_zone(m: &Model) -> TimeZone {
    reach::policy_zone(m)
}

/// The zone a person is in: their own, else the policy's.
pub fn person_zone(m: &Model, p: PersonId) -> Option<TimeZone> {
    m[p].timezone.as_ref().map(|t| t.value.tz.clone())
}

fn secs(d: &Duration) -> Option<i64> {
    d.fixed_seconds().and_then(|s| i64::try_from(s).ok())
}

/// The longest time a limit allows, in seconds, when it is of fixed length.
fn limit_secs(w: &Within) -> Option<i64> {
    match &w.limit {
        Limit::Immediately => Some(0),
        Limit::Within(d) | Limit::Range { high: d, .. } => secs(d),
        _ => None,
    }
}

struct Sim<'m> {
    m: &'m Model,
    inc: &'m Incident,
    pages: Vec<Page>,
}

impl Sim<'_> {
    fn at(&self, after: Option<i64>) -> Timestamp {
        self.inc
            .at
            .checked_add(SignedDuration::from_secs(after.unwrap_or(0)))
            .unwrap_or(self.inc.at)
    }

    /// Who answers for a party at a time: the parties in between, the person, or the gap.
    fn answer(&self, party: Responder, at: Timestamp) -> (Vec<Responder>, Result<PersonId, Gap>) {
        self.answer_depth(party, at, 0)
    }

    /// [`Sim::answer`], `depth` parties deep: a chain of roles held by roles is bounded (one
    /// that loops is reported elsewhere).
    fn answer_depth(
        &self,
        party: Responder,
        at: Timestamp,
        depth: u32,
    ) -> (Vec<Responder>, Result<PersonId, Gap>) {
        if depth > 16 {
            return (Vec::new(), Err(Gap::Nobody));
        }
        // A party it passes the page to, with that party in front of the way.
        let via = |next: Responder| {
            let (mut through, got) = self.answer_depth(next, at, depth + 1);
            through.insert(0, next);
            (through, got)
        };
        match party {
            Responder::Person(p) => (Vec::new(), Ok(p)),
            Responder::External(_) => (Vec::new(), Err(Gap::Nobody)),
            Responder::Schedule(s) => (Vec::new(), self.on_call(s, at)),
            Responder::Role(r) => {
                let role = &self.m[r];
                // Each holder in turn (`any [..]`: whichever answers), then the backups.
                let mut first: Option<(Vec<Responder>, Result<PersonId, Gap>)> = None;
                for h in role
                    .held_by
                    .iter()
                    .flat_map(|h| h.of.iter().filter_map(|x| x.target))
                {
                    let got = match h {
                        RoleHolder::Person(p) => (Vec::new(), Ok(p)),
                        RoleHolder::Schedule(s) => via(Responder::Schedule(s)),
                        RoleHolder::Team(t) => via(Responder::Team(t)),
                        RoleHolder::Role(r2) => via(Responder::Role(r2)),
                    };
                    if got.1.is_ok() {
                        return got;
                    }
                    first.get_or_insert(got);
                }
                for b in role.backup.iter().flat_map(|b| b.iter()) {
                    let got = match b.target {
                        Some(Backup::Person(p)) => (vec![Responder::Person(p)], Ok(p)),
                        Some(Backup::Schedule(s)) => via(Responder::Schedule(s)),
                        Some(Backup::Role(r2)) => via(Responder::Role(r2)),
                        None => continue,
                    };
                    if got.1.is_ok() {
                        return got;
                    }
                }
                first.unwrap_or((Vec::new(), Err(Gap::Nobody)))
            }
            Responder::Team(t) => {
                let team = &self.m[t];
                if let Some(s) = team.on_call.as_ref().and_then(|s| s.target) {
                    let got = via(Responder::Schedule(s));
                    if got.1.is_ok() {
                        return got;
                    }
                }
                match team.lead.as_ref().and_then(|l| l.target) {
                    Some(RoleOrPerson::Person(p)) => (Vec::new(), Ok(p)),
                    Some(RoleOrPerson::Role(r)) => via(Responder::Role(r)),
                    None => (Vec::new(), Err(Gap::Nobody)),
                }
            }
            Responder::PointOfContact(p) => match self.poc_target(p, at).1 {
                Some(n) => via(n),
                None => (Vec::new(), Err(Gap::Nobody)),
            },
        }
    }

    /// Who takes a report at a point of contact: in its hours, who staffs it; outside them,
    /// `out_of_hours`. Returns whether it is out of hours.
    fn poc_target(&self, p: PocId, at: Timestamp) -> (bool, Option<Responder>) {
        let poc = &self.m[p];
        let tz = clock::zone_of(poc.timezone.as_ref().map(|t| &t.value));
        let windows: Vec<&Window> = poc.hours.iter().map(|h| &h.value).collect();
        let open = windows.is_empty() || clock::open_at(&windows, &tz, &[], at);
        if open {
            let staff = poc
                .held_by
                .as_ref()
                .and_then(|h| h.target)
                .map(|s| match s {
                    PocStaff::Person(x) => Responder::Person(x),
                    PocStaff::Role(x) => Responder::Role(x),
                    PocStaff::Schedule(x) => Responder::Schedule(x),
                    PocStaff::Team(x) => Responder::Team(x),
                });
            (false, staff)
        } else {
            let ooh = poc
                .out_of_hours
                .as_ref()
                .and_then(|h| h.target)
                .map(|s| match s {
                    OutOfHours::Person(x) => Responder::Person(x),
                    OutOfHours::Role(x) => Responder::Role(x),
                    OutOfHours::Schedule(x) => Responder::Schedule(x),
                    OutOfHours::Team(x) => Responder::Team(x),
                });
            (true, ooh)
        }
    }

    /// Who of a rota is on call: a follow-the-sun rota passes to the region in its hours.
    fn on_call(&self, s: ScheduleId, at: Timestamp) -> Result<PersonId, Gap> {
        self.on_call_depth(s, at, 0)
    }

    fn on_call_depth(&self, s: ScheduleId, at: Timestamp, depth: u32) -> Result<PersonId, Gap> {
        let sched = &self.m[s];
        if let Some(regions) = &sched.follow_the_sun
            && depth < 8
        {
            // The first region in its working hours whose rota has someone on call; else the
            // rota's own `rotate`.
            for r in regions.iter().filter_map(|r| r.target) {
                let region = &self.m[r];
                let tz = clock::zone_of(region.timezone.as_ref().map(|t| &t.value));
                let ws: Vec<&Window> = region.hours.iter().map(|h| &h.value).collect();
                if clock::open_at(&ws, &tz, &[], at)
                    && let Some(rs) = region.on_call.as_ref().and_then(|o| o.target)
                    && let Ok(p) = self.on_call_depth(rs, at, depth + 1)
                {
                    return Ok(p);
                }
            }
            if sched.rotate.is_none() {
                return Err(Gap::NotStaffed(s));
            }
        }
        let tz = clock::zone_of(sched.timezone.as_ref().map(|t| &t.value));
        let ws: Vec<&Window> = sched.hours.iter().map(|h| &h.value).collect();
        let cal = sched
            .calendar
            .as_ref()
            .and_then(|c| c.target)
            .map(|c| &self.m[c]);
        if !ws.is_empty() && !clock::open_at(&ws, &tz, &clock::holidays(cal), at) {
            return Err(Gap::NotStaffed(s));
        }
        clock::turn_at(sched, at).ok_or(Gap::NoTurn(s))
    }

    fn page(&mut self, after: Option<i64>, path: Vec<HopId>, cause: Cause, party: Responder) {
        let at = self.at(after);
        let (through, who) = self.answer(party, at);
        let (person, gap) = match who {
            Ok(p) => (Some(p), None),
            Err(g) => (None, Some(g)),
        };
        let (contact, fallback) = match (person, party) {
            (Some(p), _) => person_contact(&self.m[p]),
            (None, Responder::External(x)) => {
                let e = &self.m[x];
                let c = e
                    .phone
                    .as_ref()
                    .map(|t| Contact::Phone(t.value.span))
                    .or_else(|| e.email.as_ref().map(|t| Contact::Email(t.value.span)))
                    .or_else(|| e.url.as_ref().map(|t| Contact::Url(t.value.span)));
                (c, None)
            }
            _ => (None, None),
        };
        let gap = if matches!(party, Responder::External(_)) && contact.is_some() {
            None
        } else {
            gap
        };
        self.pages.push(Page {
            after,
            path,
            cause,
            party,
            through,
            person,
            contact,
            fallback,
            gap,
        });
    }
}

/// A hop of the ladder: the hop, when it fires, the party it pages, and the hops before it.
type Paged = (HopId, Option<i64>, Responder, Vec<HopId>);

/// The party of the graph a hop can name, or `None` (a region, a channel: they pass a page
/// on, and answer whenever they are reached).
fn responder_of(loc: Loc) -> Option<Responder> {
    Some(match loc {
        Loc::Role(x) => Responder::Role(x),
        Loc::Person(x) => Responder::Person(x),
        Loc::Team(x) => Responder::Team(x),
        Loc::PointOfContact(x) => Responder::PointOfContact(x),
        Loc::Schedule(x) => Responder::Schedule(x),
        Loc::External(x) => Responder::External(x),
        _ => return None,
    })
}

/// Whether someone answers for a party: a person is named, or a rota whose turn cannot be
/// told has someone on call, or the party is an outside one (it answers at every hour).
fn answers(party: Responder, who: Result<PersonId, Gap>) -> bool {
    match who {
        Ok(_) | Err(Gap::NoTurn(_)) => true,
        Err(Gap::Nobody) => matches!(party, Responder::External(_)),
        Err(Gap::NotStaffed(_) | Gap::NotMade(_)) => false,
    }
}

/// A person's contact: the first phone, else the first e-mail, else the first out-of-band
/// method; and the out-of-band method as the fallback.
fn person_contact(p: &Person) -> (Option<Contact>, Option<Contact>) {
    let oob = p
        .out_of_band
        .first()
        .map(|c| Contact::OutOfBand(c.value.method.span, c.value.address.span));
    let first = p
        .phone
        .first()
        .map(|t| Contact::Phone(t.value.span))
        .or_else(|| p.email.first().map(|t| Contact::Email(t.value.span)));
    match first {
        Some(c) => (Some(c), oob),
        None => (oob, None),
    }
}

fn when_truth(m: &Model, inc: &Incident, w: Option<&When>) -> Truth {
    inc.known().when(m, w)
}

/// Simulates an incident.
pub fn simulate(m: &Model, inc: &Incident) -> Timeline {
    let mut sim = Sim {
        m,
        inc,
        pages: Vec::new(),
    };
    // The report lands at the point of contact the channels land at (the first declared).
    let poc = m
        .channels
        .iter()
        .find_map(|c| match c.lands_at.as_ref().and_then(|l| l.target) {
            Some(Destination::PointOfContact(p)) => Some(p),
            _ => None,
        })
        .or_else(|| (!m.points_of_contact.is_empty()).then_some(PocId(0)));
    if let Some(p) = poc {
        let (ooh, _) = sim.poc_target(p, inc.at);
        sim.page(
            Some(0),
            Vec::new(),
            Cause::Report {
                poc: p,
                out_of_hours: ooh,
            },
            Responder::PointOfContact(p),
        );
    }
    ladders(&mut sim);
    // The level's `notify`, by its acknowledge target.
    let level = &m[inc.level];
    let ack = level
        .acknowledge
        .as_ref()
        .and_then(|a| limit_secs(&a.value))
        .unwrap_or(0);
    for party in level.notify.iter().flat_map(|n| n.iter()) {
        let Some(t) = party.target else { continue };
        let r = match t {
            Party::Role(x) => Responder::Role(x),
            Party::Person(x) => Responder::Person(x),
            Party::Team(x) => Responder::Team(x),
            Party::PointOfContact(x) => Responder::PointOfContact(x),
            Party::External(x) => Responder::External(x),
        };
        sim.page(Some(ack), Vec::new(), Cause::Notify, r);
    }
    let mut pages = sim.pages;
    pages.sort_by_key(|p| (p.after.is_none(), p.after));
    let zone = policy_zone(m);
    Timeline {
        updates: updates(level),
        deadlines: deadlines(m, inc, &zone),
        incident: inc.clone(),
        zone,
        pages,
    }
}

/// The ladder of the incident, as [`reach::climb`] defines it: every party a hop reaches,
/// at its earliest worst-case time, with the hops that led there. Then each escalation path
/// with `repeat N` is tried again N times: try `k` pages the same parties `k` times the
/// length of a try (its last page) plus the wait `every D` later.
fn ladders(sim: &mut Sim<'_>) {
    let m = sim.m;
    let graph = reach::Graph::new(m);
    let starts = reach::report_starts(m, &graph);
    let mut budget = reach::Budget::of(&graph, 1);
    let Some(ladder) = reach::climb(
        m,
        &graph,
        &sim.inc.known(),
        &starts,
        Via::certain,
        &mut budget,
    ) else {
        return;
    };
    // Along the ladder's tree, parent first: whether each party is reached (a hop is made by
    // whoever answered at its `from`; a timer's hop, a paging tool's, whoever answered; a
    // standing link whenever its source is reached) and whether someone answers it then, as
    // the checks of every hour of the week read it.
    let known = sim.inc.known();
    let at_of = |n: petgraph::graph::NodeIndex<u32>| {
        ladder
            .reach(n)
            .and_then(|r| r.at.seconds())
            .and_then(|s| i64::try_from(s).ok())
    };
    let mut state: crate::model::Map<petgraph::graph::NodeIndex<u32>, (bool, bool)> =
        crate::model::Map::default();
    let mut hops: Vec<(Paged, bool)> = Vec::new();
    for (n, by) in reach::tree::tree_order(&ladder, &graph) {
        let reached = match by {
            None => true,
            Some(e) => {
                let (u, _, via) = graph.edge(e);
                let (ru, au) = state.get(&u).copied().unwrap_or((false, false));
                match via {
                    Via::Hop(h) => ru && (au || reach::hours::timer(m, &known, h)),
                    _ => ru,
                }
            }
        };
        let answered = reached
            && responder_of(graph.loc(n)).is_none_or(|r| {
                let (_, who) = sim.answer(r, sim.at(at_of(n)));
                answers(r, who)
            });
        state.insert(n, (reached, answered));
        let Some(e) = by else { continue };
        let Via::Hop(h) = graph.edge(e).2 else {
            continue;
        };
        let Some(to) = m[h].to.target else { continue };
        let path: Vec<HopId> = ladder
            .path(&graph, n)
            .into_iter()
            .filter_map(|e| match graph.edge(e).2 {
                Via::Hop(x) => Some(x),
                _ => None,
            })
            .collect();
        hops.push(((h, at_of(n), to, path), reached));
    }
    hops.sort_by_key(|((h, after, ..), _)| (after.is_none(), *after, *h));
    for ((h, after, to, path), made) in &hops {
        if *made {
            sim.page(*after, path.clone(), Cause::Hop { hop: *h, retry: 0 }, *to);
        } else if let Some(f) = m[*h].from.target {
            sim.pages.push(Page {
                after: *after,
                path: path.clone(),
                cause: Cause::Hop { hop: *h, retry: 0 },
                party: *to,
                through: Vec::new(),
                person: None,
                contact: None,
                fallback: None,
                gap: Some(Gap::NotMade(f)),
            });
        }
    }
    let hops: Vec<Paged> = hops.into_iter().filter(|x| x.1).map(|(p, _)| p).collect();
    for (e, esc) in m.escalations.iter().enumerate() {
        let Some(rep) = &esc.repeat else { continue };
        let mine: Vec<_> = hops
            .iter()
            .filter(|(h, ..)| h.escalation.0 as usize == e)
            .collect();
        let length = mine.iter().filter_map(|(_, a, ..)| *a).max().unwrap_or(0);
        let wait = rep
            .every
            .as_ref()
            .and_then(|x| secs(&x.duration))
            .unwrap_or(0);
        for k in 1..=rep.times.value.min(10) {
            let shift = i64::from(k) * (length + wait);
            for (h, after, to, path) in &mine {
                sim.page(
                    after.map(|a| a + shift),
                    path.clone(),
                    Cause::Hop { hop: *h, retry: k },
                    *to,
                );
            }
        }
    }
}

/// The level's update cadence: each phase every D, for its length (the last for ever), from
/// the start; listed for the first day.
fn updates(level: &Level) -> Vec<UpdateDue> {
    let mut out = Vec::new();
    let Some(c) = &level.update else { return out };
    let mut t = 0i64;
    for (i, ph) in c.phases.iter().enumerate() {
        let Some(every) = secs(&ph.every).filter(|s| *s > 0) else {
            break;
        };
        let last = i + 1 == c.phases.len();
        let end = match (&ph.for_, last) {
            (Some(d), false) => secs(d).map_or(UPDATE_HORIZON, |d| t + d),
            _ => UPDATE_HORIZON,
        };
        let mut next = t + every;
        while next <= end.min(UPDATE_HORIZON) && out.len() < MAX_UPDATES {
            out.push(UpdateDue { after: next });
            next += every;
        }
        t = end;
        if t >= UPDATE_HORIZON {
            break;
        }
    }
    out
}

/// The deadlines of every obligation whose trigger holds or may hold, counted from the
/// incident's report (every clock start is taken as the report: the earliest it can be).
fn deadlines(m: &Model, inc: &Incident, zone: &TimeZone) -> Vec<Due> {
    let mut out = Vec::new();
    let day = inc.at.to_zoned_datetime(zone.clone()).date();
    for (o, ob) in m.obligations.iter().enumerate() {
        let applies = match when_truth(m, inc, ob.when.as_ref()) {
            Truth::Holds(_) => Truth::Holds(0),
            t => t,
        };
        if applies == Truth::Fails {
            continue;
        }
        for (i, d) in ob.deadlines.iter().enumerate() {
            if d.since.is_some_and(|s| day < s.date) || d.until.is_some_and(|u| day >= u.date) {
                continue;
            }
            let at = match &d.within.limit {
                Limit::Immediately => Some(inc.at),
                Limit::Within(x) | Limit::Range { high: x, .. } => clock::add(m, zone, inc.at, x),
                Limit::NextBusinessDay(x) => clock::add(m, zone, inc.at, x),
                Limit::Before { .. } | Limit::Unstated => None,
            };
            out.push(Due {
                obligation: ObligationId(o as u32),
                deadline: i,
                at,
                applies,
            });
        }
    }
    out.sort_by_key(|d| (d.at.is_none(), d.at));
    out
}
