//! The async walker shared by plan and apply: a node runs as soon as every node it depends on has
//! finished (no per-level barriers); a failed node's dependents are skipped, independent work
//! goes on. Concurrency of the expensive part (provider calls) is bounded by the callers with a
//! semaphore; the walker itself only orders work.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use tokio::task::JoinSet;

/// How a node's visit ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkOutcome {
    Done,
    Failed,
    /// Not visited because something it depends on failed, or the walk was cancelled.
    Skipped,
}

type Visit = Pin<Box<dyn Future<Output = bool> + Send>>;

/// Visits every node of `graph` in dependency order (edges point from dependency to dependent),
/// running independent nodes concurrently. `visit` returns a future that yields `true` on
/// success. `cancelled` is checked before each new visit starts: once it says yes, nothing new
/// starts and unstarted nodes are skipped, while visits already running finish.
pub async fn walk<N, E>(
    graph: &DiGraph<N, E>,
    visit: impl Fn(NodeIndex) -> Visit,
    cancelled: impl Fn() -> bool,
) -> HashMap<NodeIndex, WalkOutcome> {
    walk_bounded(graph, visit, cancelled, usize::MAX).await
}

/// As [`walk`], with at most `max_running` visits started and unfinished at once (ready nodes
/// beyond it wait their turn, as indexes rather than as futures). Visits must not wait on one
/// another, which the ordering already guarantees.
pub async fn walk_bounded<N, E>(
    graph: &DiGraph<N, E>,
    visit: impl Fn(NodeIndex) -> Visit,
    cancelled: impl Fn() -> bool,
    max_running: usize,
) -> HashMap<NodeIndex, WalkOutcome> {
    let max_running = max_running.max(1);
    let mut waiting: HashMap<NodeIndex, usize> = graph
        .node_indices()
        .map(|n| (n, graph.neighbors_directed(n, Direction::Incoming).count()))
        .collect();
    let mut outcome: HashMap<NodeIndex, WalkOutcome> = HashMap::with_capacity(waiting.len());
    let mut ready: Vec<NodeIndex> = waiting
        .iter()
        .filter(|(_, c)| **c == 0)
        .map(|(n, _)| *n)
        .collect();
    ready.sort();
    let mut running: JoinSet<(NodeIndex, bool)> = JoinSet::new();
    loop {
        while running.len() < max_running {
            let Some(n) = ready.pop() else { break };
            if cancelled() {
                skip(graph, n, &mut outcome);
                continue;
            }
            let fut = visit(n);
            running.spawn(async move { (n, fut.await) });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (n, ok) = match joined {
            Ok(r) => r,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        outcome.insert(
            n,
            if ok {
                WalkOutcome::Done
            } else {
                WalkOutcome::Failed
            },
        );
        for next in graph.neighbors_directed(n, Direction::Outgoing) {
            if !ok {
                skip(graph, next, &mut outcome);
                continue;
            }
            let c = waiting.get_mut(&next).expect("every node counted");
            *c -= 1;
            if *c == 0 && !outcome.contains_key(&next) {
                ready.push(next);
            }
        }
    }
    for n in graph.node_indices() {
        outcome.entry(n).or_insert(WalkOutcome::Skipped);
    }
    outcome
}

/// Marks `n` and everything that depends on it as skipped.
fn skip<N, E>(graph: &DiGraph<N, E>, n: NodeIndex, outcome: &mut HashMap<NodeIndex, WalkOutcome>) {
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        if outcome.contains_key(&x) {
            continue;
        }
        outcome.insert(x, WalkOutcome::Skipped);
        stack.extend(graph.neighbors_directed(x, Direction::Outgoing));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    fn chain_graph() -> DiGraph<&'static str, ()> {
        // a → b → d, a → c → d, e (independent)
        let mut g = DiGraph::new();
        let a = g.add_node("a");
        let b = g.add_node("b");
        let c = g.add_node("c");
        let d = g.add_node("d");
        g.add_node("e");
        g.add_edge(a, b, ());
        g.add_edge(a, c, ());
        g.add_edge(b, d, ());
        g.add_edge(c, d, ());
        g
    }

    #[tokio::test]
    async fn visits_in_dependency_order() {
        let g = chain_graph();
        let order = Arc::new(Mutex::new(Vec::new()));
        let o = order.clone();
        let names: Vec<&'static str> = g.node_indices().map(|i| g[i]).collect();
        let out = walk(
            &g,
            move |n| {
                let o = o.clone();
                let name = names[n.index()];
                Box::pin(async move {
                    o.lock().unwrap().push(name);
                    true
                })
            },
            || false,
        )
        .await;
        assert!(out.values().all(|x| *x == WalkOutcome::Done));
        let order = order.lock().unwrap().clone();
        let pos = |x| order.iter().position(|y| *y == x).unwrap();
        assert!(
            pos("a") < pos("b")
                && pos("a") < pos("c")
                && pos("b") < pos("d")
                && pos("c") < pos("d")
        );
    }

    #[tokio::test]
    async fn failure_skips_dependents_only() {
        let g = chain_graph();
        let names: Vec<&'static str> = g.node_indices().map(|i| g[i]).collect();
        let out = walk(
            &g,
            move |n| {
                let ok = names[n.index()] != "b";
                Box::pin(async move { ok })
            },
            || false,
        )
        .await;
        let by_name = |x: &str| out[&g.node_indices().find(|i| g[*i] == x).unwrap()];
        assert_eq!(by_name("b"), WalkOutcome::Failed);
        assert_eq!(by_name("d"), WalkOutcome::Skipped);
        assert_eq!(by_name("c"), WalkOutcome::Done);
        assert_eq!(by_name("e"), WalkOutcome::Done);
    }

    #[tokio::test]
    async fn bounded_walk_keeps_at_most_the_bound_running() {
        let mut g: DiGraph<(), ()> = DiGraph::new();
        for _ in 0..20 {
            g.add_node(());
        }
        let now = Arc::new(Mutex::new((0usize, 0usize)));
        let n2 = now.clone();
        let out = walk_bounded(
            &g,
            move |_| {
                let n = n2.clone();
                Box::pin(async move {
                    {
                        let mut x = n.lock().unwrap();
                        x.0 += 1;
                        x.1 = x.1.max(x.0);
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    n.lock().unwrap().0 -= 1;
                    true
                })
            },
            || false,
            3,
        )
        .await;
        assert!(out.values().all(|x| *x == WalkOutcome::Done));
        assert_eq!(out.len(), 20);
        assert_eq!(now.lock().unwrap().1, 3);
    }

    #[tokio::test]
    async fn independent_nodes_run_concurrently() {
        let mut g: DiGraph<(), ()> = DiGraph::new();
        for _ in 0..20 {
            g.add_node(());
        }
        let start = Instant::now();
        walk(
            &g,
            |_| {
                Box::pin(async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    true
                })
            },
            || false,
        )
        .await;
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "took {:?}",
            start.elapsed()
        );
    }
}
