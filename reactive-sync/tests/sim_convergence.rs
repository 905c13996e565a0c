//! The deterministic network simulation: replicas edit a bound store concurrently while the
//! network drops, duplicates, reorders and partitions their Loro updates; after healing by
//! version-vector sync every replica's store holds the same board, equal to its document.
//!
//! A failing seed prints itself; `SIM_SEED=n cargo test -p reactive-sync --test
//! sim_convergence` reruns it alone.

mod sim;

use reactive_core::create_root;
use sim::{Board, Edit, Replica, Rng, for_each_seed, seed_doc};

/// A message in flight: Loro update bytes from one replica to another.
struct Message {
    to: usize,
    bytes: Vec<u8>,
}

fn run(seed: u64, replicas: usize, steps: usize) -> Result<(), String> {
    let mut rng = Rng::new(seed);
    let (result, owner) = create_root(|| {
        let seed_doc = seed_doc();
        let mut nodes: Vec<Replica> = (0..replicas)
            .map(|i| Replica::new(&seed_doc, i as u64 + 1))
            .collect();
        let mut in_flight: Vec<Message> = Vec::new();
        // Replicas on different sides of a partition do not hear each other.
        let mut side: Vec<bool> = vec![false; replicas];
        for _ in 0..steps {
            if rng.chance(10) {
                side = (0..replicas).map(|_| rng.chance(50)).collect();
            }
            if rng.chance(10) {
                side = vec![false; replicas];
            }
            // A random replica edits; its update goes to everyone else.
            let from = rng.below(replicas);
            let before = nodes[from].state();
            let edit = Edit::random(&mut rng, &before, from, &mut nodes[from].counter);
            let bytes = nodes[from].edit(&edit);
            for to in (0..replicas).filter(|&to| to != from) {
                if side[to] == side[from] && !rng.chance(15) {
                    in_flight.push(Message {
                        to,
                        bytes: bytes.clone(),
                    });
                }
            }
            // The network delivers some messages, in any order, some twice.
            while !in_flight.is_empty() && rng.chance(60) {
                let i = rng.below(in_flight.len());
                let message = match rng.chance(10) {
                    true => Message {
                        to: in_flight[i].to,
                        bytes: in_flight[i].bytes.clone(),
                    },
                    false => in_flight.swap_remove(i),
                };
                nodes[message.to]
                    .binding
                    .import(&message.bytes)
                    .map_err(|e| format!("import: {e}"))?;
            }
        }
        // Heal: what is still in flight is lost; replicas sync by version vectors.
        for _round in 0..2 {
            for a in 0..replicas {
                for b in 0..replicas {
                    if a != b {
                        let missing = nodes[a]
                            .binding
                            .updates_since(&nodes[b].binding.version())
                            .map_err(|e| e.to_string())?;
                        nodes[b]
                            .binding
                            .import(&missing)
                            .map_err(|e| format!("sync import: {e}"))?;
                    }
                }
            }
        }
        check_converged(&nodes)
    });
    owner.dispose();
    result
}

/// Every replica's store equals replica 0's and its own document's content, and no binding
/// had to fall back to reloading the whole document.
fn check_converged(nodes: &[Replica]) -> Result<(), String> {
    let first: Board = nodes[0].state();
    for (i, node) in nodes.iter().enumerate() {
        let state = node.state();
        let doc = node.binding.doc_state().map_err(|e| e.to_string())?;
        if state != doc {
            return Err(format!(
                "replica {i}: store {state:?}\n != its document {doc:?}"
            ));
        }
        if state != first {
            return Err(format!("replica {i}: {state:?}\n != replica 0: {first:?}"));
        }
        let stats = node.binding.stats();
        if stats.reloads != 0 {
            return Err(format!(
                "replica {i} reloaded the whole document: {stats:?}"
            ));
        }
        let errors = node.binding.take_errors();
        if !errors.is_empty() {
            return Err(format!("replica {i}: {errors:?}"));
        }
    }
    Ok(())
}

#[test]
fn three_replicas_converge_through_drops_duplicates_reorders_and_partitions() {
    for_each_seed("sim_convergence", 1000, |seed| run(seed, 3, 12));
}

#[test]
fn five_replicas_converge_after_long_partitioned_histories() {
    for_each_seed("sim_convergence", 50, |seed| run(seed ^ 0xABCD_0000, 5, 30));
}
