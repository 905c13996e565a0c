//! Without concurrency, syncing is invisible: when every update reaches every replica before
//! the next edit, each replica's store equals a plain board with the same edits applied in
//! order.
//!
//! `SIM_SEED=n cargo test -p reactive-sync --test sim_sequential` reruns one seed.

mod sim;

use reactive_core::create_root;
use sim::{Board, Edit, Replica, Rng, for_each_seed, seed_doc};

fn run(seed: u64, replicas: usize, steps: usize) -> Result<(), String> {
    let mut rng = Rng::new(seed);
    let (result, owner) = create_root(|| {
        let seed_doc = seed_doc();
        let mut nodes: Vec<Replica> = (0..replicas)
            .map(|i| Replica::new(&seed_doc, i as u64 + 1))
            .collect();
        let mut reference = Board::empty();
        for step in 0..steps {
            let from = rng.below(replicas);
            let edit = Edit::random(&mut rng, &reference, from, &mut nodes[from].counter);
            edit.apply(&mut reference);
            let bytes = nodes[from].edit(&edit);
            for (to, node) in nodes.iter().enumerate() {
                if to != from {
                    node.binding.import(&bytes).map_err(|e| e.to_string())?;
                }
            }
            for (i, node) in nodes.iter().enumerate() {
                let state = node.state();
                if state != reference {
                    return Err(format!(
                        "after step {step} ({edit:?}), replica {i}: {state:?}\n != in order: {reference:?}"
                    ));
                }
            }
        }
        Ok(())
    });
    owner.dispose();
    result
}

#[test]
fn a_history_without_concurrency_equals_the_edits_applied_in_order() {
    for_each_seed("sim_sequential", 400, |seed| run(seed, 3, 15));
}
