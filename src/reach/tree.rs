//! The ladder as a tree: each party reached hangs from the party it was first reached from
//! (its [`Reach::by`](super::Reach) edge), so that what depends on the way a party was reached
//! (whether the hop to it was made, in `imp simulate` and the checks of every hour of the
//! week) is worked out parent first, along the one way the ladder counts.

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::graph::Graph;
use super::ladder::Ladder;

/// Every party a ladder reaches, each after the party it was reached from: the starting
/// parties first, then breadth first, children in node order. Each with the edge it was
/// reached by (`None` for a starting party). Linear in the parties reached, without
/// recursion.
pub fn tree_order(ladder: &Ladder, graph: &Graph) -> Vec<(NodeIndex<u32>, Option<EdgeIndex<u32>>)> {
    // (parent, child, edge), sorted: the children of a parent are a contiguous run.
    let mut links: Vec<(u32, u32, EdgeIndex<u32>)> = Vec::new();
    let mut out: Vec<(NodeIndex<u32>, Option<EdgeIndex<u32>>)> = Vec::new();
    for (n, r) in ladder.reached() {
        match r.by {
            Some(e) => links.push((graph.edge(e).0.index() as u32, n.index() as u32, e)),
            None => out.push((n, None)),
        }
    }
    links.sort_unstable();
    let mut at = 0;
    while at < out.len() {
        let parent = out[at].0.index() as u32;
        let first = links.partition_point(|l| l.0 < parent);
        for l in links[first..].iter().take_while(|l| l.0 == parent) {
            out.push((NodeIndex::new(l.1 as usize), Some(l.2)));
        }
        at += 1;
    }
    out
}
