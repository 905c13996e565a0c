//! The backend conformance suite, one test per case (listed in `shared/conformance_cases.rs`),
//! each in a schema of its own.

macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let Some(fresh) = super::support::TestStore::fresh(stringify!($case)) else {
                    return;
                };
                reactive_sourcing::conformance::$case(&fresh.store);
            }
        )*

        #[test]
        fn every_case_of_the_suite_is_listed_here() {
            let listed = [$(stringify!($case)),*];
            let suite: Vec<&str> =
                reactive_sourcing::conformance::CASES.iter().map(|(name, _)| *name).collect();
            assert_eq!(listed.as_slice(), suite.as_slice());
        }
    };
}

with_conformance_cases!(suite);
