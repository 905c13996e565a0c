//! A live dashboard, simulated in the terminal: sensors stream readings into signals, memos
//! derive statistics and alerts, effects render only the panels whose inputs changed, a
//! selector highlights one sensor in O(1), and a panel is mounted and unmounted without leaking.
//!
//! Run it with `cargo run -p examples --bin dashboard`. With `--devtools` (or
//! `--devtools=ADDR`, default `127.0.0.1:7777`) it then serves the devtools page and keeps the
//! sensors streaming until interrupted.

use examples::outln;
use std::cell::Cell;
use std::rc::Rc;

use reactive::devtools::DevtoolsOptions;
use reactive::{
    Effect, Memo, Owner, Runtime, Selector, Signal, batch, create_root, on_cleanup,
    provide_context, use_context,
};

/// Readings above this are alerts.
#[derive(Clone, Copy)]
struct Threshold(f64);

struct Sensor {
    name: &'static str,
    reading: Signal<f64>,
}

fn main() {
    let devtools = examples::devtools_addr().map(|addr| {
        DevtoolsOptions::new()
            .app_name("dashboard")
            .serve(addr.as_str())
            .expect("the devtools address can be listened on")
    });
    let renders = Rc::new(Cell::new(0usize));
    let ((sensors, selected), app) = create_root(|| {
        provide_context(Threshold(80.0));
        let sensors: Vec<Sensor> = ["boiler", "pump", "intake", "exhaust"]
            .into_iter()
            .enumerate()
            .map(|(i, name)| Sensor {
                name,
                reading: Signal::new(40.0 + 5.0 * i as f64).named(name),
            })
            .collect();
        let readings: Vec<Signal<f64>> = sensors.iter().map(|s| s.reading).collect();
        if let Some(devtools) = &devtools {
            for r in &readings {
                devtools.inspect(r.id(), *r);
            }
        }

        let average = Memo::new({
            let readings = readings.clone();
            move || readings.iter().map(|r| r.get()).sum::<f64>() / readings.len() as f64
        })
        .named("average");
        let threshold = use_context::<Threshold>().map_or(f64::INFINITY, |t| t.0);
        // A memo with an equality cut-off: the alert panel re-renders only when the *set* of
        // hot sensors changes, not on every reading.
        let hot = Memo::new({
            let sensors: Vec<_> = sensors.iter().map(|s| (s.name, s.reading)).collect();
            move || {
                sensors
                    .iter()
                    .filter(|(_, r)| r.get() > threshold)
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
            }
        })
        .named("hot sensors");
        if let Some(devtools) = &devtools {
            devtools.inspect(average.id(), average);
            devtools.inspect(hot.id(), hot);
        }

        let r = renders.clone();
        Effect::new(move || {
            r.set(r.get() + 1);
            outln!("[summary] average {:6.2}", average.get());
        })
        .named("summary panel");
        let r = renders.clone();
        Effect::new(move || {
            r.set(r.get() + 1);
            match hot.get().as_slice() {
                [] => outln!("[alerts ] all normal"),
                hot => outln!("[alerts ] ALERT: {}", hot.join(", ")),
            }
        })
        .named("alert panel");

        let selected = Signal::new(0usize).named("selected sensor");
        let is_selected = Selector::new(move || selected.get());
        for (i, s) in sensors.iter().enumerate() {
            let (name, reading, r) = (s.name, s.reading, renders.clone());
            Effect::new(move || {
                r.set(r.get() + 1);
                let mark = if is_selected.is_selected(&i) {
                    '>'
                } else {
                    ' '
                };
                outln!("[row    ] {mark} {name:<8} {:6.2}", reading.get());
            });
        }
        (sensors, selected)
    });

    outln!("\n-- one tick: every sensor updates, in one batch --");
    batch(|| {
        for (i, s) in sensors.iter().enumerate() {
            s.reading.update(|v| *v += 3.0 * (i as f64 + 1.0));
        }
    });

    outln!("\n-- the pump overheats --");
    sensors[1].reading.set(93.5);

    outln!("\n-- it gets hotter: the alert set is unchanged, so the alert panel stays quiet --");
    sensors[1].reading.set(97.0);

    outln!("\n-- select the intake: only two rows re-render --");
    let before = renders.get();
    selected.set(2);
    outln!(
        "   ({} renders for the selection change)",
        renders.get() - before
    );

    outln!("\n-- mount a detail panel, then unmount it --");
    let nodes_before = Runtime::node_count();
    let panel = app.run_in(Owner::new);
    panel.run_in(|| {
        let pump = sensors[1].reading;
        let trend = Memo::new(move || {
            if pump.get() > 90.0 {
                "rising"
            } else {
                "stable"
            }
        });
        Effect::new(move || outln!("[detail ] pump trend: {}", trend.get()));
        on_cleanup(|| outln!("[detail ] unmounted"));
    });
    sensors[1].reading.set(85.0);
    panel.dispose();
    assert_eq!(
        Runtime::node_count(),
        nodes_before,
        "the panel left nothing behind"
    );
    sensors[1].reading.set(99.0); // the detail panel is gone: nothing prints for it

    let snapshot = Runtime::graph_snapshot();
    outln!(
        "\ngraph: {} nodes, {} edges ({} renders in all); `Runtime::graph_snapshot().to_dot()` draws it",
        snapshot.nodes.len(),
        snapshot.edges.len(),
        renders.get()
    );
    if let Some(devtools) = &devtools {
        // Live: the sensors keep streaming readings until the process is interrupted.
        outln!("\ndevtools on {} (Ctrl-C to stop)", devtools.url());
        for tick in 0u64.. {
            if tick % 10 == 0 {
                let i = (tick / 10) as usize % sensors.len();
                let wave = ((tick as f64) / 40.0).sin();
                sensors[i].reading.set(60.0 + 30.0 * wave + i as f64);
            }
            devtools.pump();
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    app.dispose();
    assert_eq!(Runtime::node_count(), 0);
}
