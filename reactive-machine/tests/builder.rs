//! The typed builder: charts written in Rust with an event enum behave as the same chart
//! written in XState JSON, and report the same errors.

use reactive_machine::{
    Chart, ChartBuilder, DefinitionError, HistoryDepth, Machine, MachineEvent, ManualClock, Setup,
    Transition,
};
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ev {
    Go,
    Pay,
    Out,
    Back,
}

impl MachineEvent for Ev {
    fn name(self) -> &'static str {
        match self {
            Ev::Go => "GO",
            Ev::Pay => "PAY",
            Ev::Out => "OUT",
            Ev::Back => "BACK",
        }
    }
}

fn checkout() -> ChartBuilder<Ev> {
    ChartBuilder::new("shop")
        .context(json!({ "paid": 0 }))
        .root(|s| {
            s.initial("cart")
                .state("cart", |s| s.on(Ev::Go, "flow"))
                .parallel("flow", |p| {
                    p.on(Ev::Out, "away")
                        .on_done(Transition::to("done"))
                        .state("shipping", |s| {
                            s.initial("address")
                                .state("address", |s| s.on(Ev::Go, "method"))
                                .state("method", |s| s.on(Ev::Go, "ok"))
                                .final_state("ok")
                        })
                        .state("payment", |s| {
                            s.initial("card")
                                .state("card", |s| {
                                    s.on_with(Ev::Pay, Transition::to("ok").action("pay"))
                                })
                                .final_state("ok")
                        })
                        .history("h", HistoryDepth::Deep, None)
                })
                .state("away", |s| {
                    s.on(Ev::Back, "#shop.flow.h")
                        .after(1000, Transition::to("cart"))
                })
                .final_state("done")
        })
}

fn setup() -> Setup {
    Setup::new().action("pay", |a| {
        a.context.insert("paid".into(), 1.into());
    })
}

#[test]
fn a_built_chart_runs_parallel_regions_history_and_completion() {
    let mut m = Machine::new(checkout().build().unwrap(), &setup()).unwrap();
    for e in [Ev::Go, Ev::Go, Ev::Out, Ev::Back] {
        m.send(e).unwrap();
    }
    assert_eq!(
        m.value(),
        json!({"flow": {"shipping": "method", "payment": "card"}}),
        "deep history restored"
    );
    m.send(Ev::Go).unwrap();
    m.send(Ev::Pay).unwrap();
    assert_eq!(m.value(), "done");
    assert!(m.is_done());
    assert_eq!(m.field("paid"), 1);
}

#[test]
fn a_built_chart_is_the_chart_of_its_xstate_json() {
    let built = checkout().build().unwrap();
    let loaded = Chart::from_xstate_json(&built.to_xstate_json()).unwrap();
    assert_eq!(loaded.to_xstate_json(), built.to_xstate_json());
    let clock = ManualClock::new();
    let mut a = Machine::with_clock(built, &setup(), clock.clone()).unwrap();
    let mut b = Machine::with_clock(loaded, &setup(), clock.clone()).unwrap();
    for m in [&mut a, &mut b] {
        m.send(Ev::Go).unwrap();
        m.send(Ev::Out).unwrap();
    }
    clock.advance(1000);
    a.run_timers().unwrap();
    b.run_timers().unwrap();
    assert_eq!(a.value(), "cart");
    assert_eq!(a.value(), b.value());
}

#[test]
fn a_built_chart_reports_bad_targets_with_their_path() {
    let err = ChartBuilder::<Ev>::new("m")
        .root(|s| s.initial("a").state("a", |s| s.on(Ev::Go, "nowhere")))
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        DefinitionError::UnknownTarget {
            path: "states.a.on.GO[0].target".into(),
            target: "nowhere".into()
        }
    );
    let err = ChartBuilder::<Ev>::new("m")
        .root(|s| s.state("a", |s| s))
        .build()
        .unwrap_err();
    assert!(
        matches!(err, DefinitionError::Invalid { .. }),
        "a root with children needs `initial`: {err}"
    );
}
