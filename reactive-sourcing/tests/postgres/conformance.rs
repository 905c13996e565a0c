//! The backend conformance suite, one test per case, each in a schema of its own.

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

suite!(
    appended_events_read_back_in_order,
    sequences_are_global_and_versions_per_stream,
    a_conflict_writes_nothing_of_the_batch,
    expected_version_variants_are_enforced,
    a_retried_append_with_its_key_is_a_noop,
    a_key_reused_for_another_batch_is_refused,
    an_empty_append_changes_nothing,
    invalid_input_is_refused,
    reads_are_paged,
    metadata_and_payload_round_trip,
    event_types_lists_each_stored_pair_once,
    the_latest_snapshot_replaces_older_ones,
    checkpoints_round_trip,
    the_chain_links_every_event_to_the_previous_one,
    compaction_archives_and_keeps_the_chain_whole,
);
