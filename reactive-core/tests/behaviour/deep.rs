//! Deep graphs: a chain of memos far deeper than the thread's stack allows recursion for.

use reactive_core::*;

use super::common::Log;

/// Builds `s → m1 → … → m_len`, each memo adding one, inside a root; returns the tail.
fn chain(s: Signal<u64>, len: usize) -> Memo<u64> {
    let mut m = Memo::new(move || s.get());
    for _ in 0..len {
        let p = m;
        m = Memo::new(move || p.get() + 1);
    }
    m
}

#[test]
fn first_read_of_a_100_000_memo_chain_does_not_overflow_the_stack() {
    let s = Signal::new(0u64);
    let (tail, root) = create_root(|| chain(s, 100_000));
    // Nothing has been computed yet: the first read evaluates every memo, each from inside the
    // closure of the one above it.
    assert_eq!(tail.get(), 100_000);
    // Propagation (push, then pull from the tail) uses explicit stacks.
    s.set(1);
    assert_eq!(tail.get(), 100_001);
    // So does an effect at the end of the chain, and disposal of the whole chain.
    let seen = Log::new();
    let l = seen.clone();
    root.run_in(|| Effect::new(move || l.push(tail.get())));
    s.set(2);
    assert_eq!(seen.take(), [100_001, 100_002]);
    root.dispose();
    assert!(tail.is_disposed());
    assert_eq!(Runtime::node_count(), 1, "only the source signal is left");
    s.set(3);
}

/// A million memos deep, in release builds only (`cargo test --release`): about a gigabyte of
/// stack, grown in segments as the first read recurses.
#[cfg(not(debug_assertions))]
#[test]
fn first_read_of_a_million_memo_chain_does_not_overflow_the_stack_in_release() {
    let s = Signal::new(0u64);
    let (tail, root) = create_root(|| chain(s, 1_000_000));
    assert_eq!(tail.get(), 1_000_000);
    s.set(1);
    assert_eq!(tail.get(), 1_000_001);
    root.dispose();
    assert!(tail.is_disposed());
}

/// Recurses until less than `left` bytes of stack remain, then calls `f` there.
fn with_little_stack_left(left: usize, f: &mut dyn FnMut()) {
    let here = [0u8; 1024];
    std::hint::black_box(&here);
    match stacker::remaining_stack() {
        Some(remaining) if remaining > left => with_little_stack_left(left, f),
        _ => f(),
    }
}

#[test]
fn effects_flushed_by_a_write_deep_in_the_stack_still_have_room_to_run() {
    // A 1 MiB thread: a write made with only 48 KiB left flushes an effect whose body needs
    // 256 KiB. The effect's run finds the room short and continues on a new stack segment (a
    // guard for any change that moves or hoists that check, such as checking once per flush).
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let s = Signal::new(0u64);
            let seen = Log::new();
            let l = seen.clone();
            let _effect = Effect::new(move || {
                let v = s.get();
                let big = [v as u8; 256 * 1024];
                l.push(std::hint::black_box(&big)[1000] as u64);
            });
            with_little_stack_left(48 * 1024, &mut || s.set(7));
            with_little_stack_left(48 * 1024, &mut || batch(|| s.set(9)));
            seen.take()
        })
        .expect("thread starts");
    assert_eq!(handle.join().expect("no overflow, no panic"), [0, 7, 9]);
}
